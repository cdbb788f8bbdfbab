import type { SeedInput } from '@/shared/seed.schema';

/** Demo sign-ins, printed at start when the built-in seed is used. */
export const DEMO_USERS = [
  { UserName: 'alice', Password: 'alice-demo-2026', role: 'admin of "NLP Research", developer in "Vision Lab"' },
  { UserName: 'bob', Password: 'bob-demo-2026', role: 'developer in "NLP Research"' },
  { UserName: 'carol', Password: 'carol-demo-2026', role: 'developer in "NLP Research"' },
  { UserName: 'dave', Password: 'dave-demo-2026', role: 'guest of "NLP Research"' },
] as const;

/** The built-in demo: two workspaces, one user in both, admin, developers and a guest, a dozen code sources. */
export const demoSeed: SeedInput = {
  workspaces: [
    { WorkspaceId: '1001', WorkspaceName: 'NLP Research' },
    { WorkspaceId: '1002', WorkspaceName: 'Vision Lab' },
  ],
  users: [
    { UserId: '200001', UserName: 'alice', Password: 'alice-demo-2026', AccessKeyId: 'LTAIdemoAlice0001', AccessKeySecret: 'demo-secret-alice-0001-change-me' },
    { UserId: '200002', UserName: 'bob', Password: 'bob-demo-2026' },
    { UserId: '200003', UserName: 'carol', Password: 'carol-demo-2026' },
    { UserId: '200004', UserName: 'dave', Password: 'dave-demo-2026' },
  ],
  members: [
    { WorkspaceId: '1001', UserId: '200001', Roles: ['PAI.WorkspaceAdmin'] },
    { WorkspaceId: '1001', UserId: '200002', Roles: ['PAI.AlgoDeveloper'] },
    { WorkspaceId: '1001', UserId: '200003', Roles: ['PAI.AlgoDeveloper'] },
    { WorkspaceId: '1001', UserId: '200004', Roles: ['PAI.WorkspaceGuest'] },
    { WorkspaceId: '1002', UserId: '200001', Roles: ['PAI.AlgoDeveloper'] },
    { WorkspaceId: '1002', UserId: '200003', Roles: ['PAI.WorkspaceOwner'] },
  ],
  codeSources: [
    { UserId: '200001', WorkspaceId: '1001', DisplayName: 'dlc-examples', Description: 'PAI-DLC example training scripts', CodeRepo: 'https://github.com/aliyun/pai-examples.git', Accessibility: 'PUBLIC' },
    { UserId: '200001', WorkspaceId: '1001', DisplayName: 'bert-finetune', Description: 'BERT fine-tuning for intent classification', CodeRepo: 'https://github.com/example-org/bert-finetune.git', CodeBranch: 'release/2.3', MountPath: '/root/code/bert/', Accessibility: 'PUBLIC' },
    { UserId: '200002', WorkspaceId: '1001', DisplayName: 'llm-pretrain', Description: 'Megatron pre-training recipes (pinned for the Q4 run)', CodeRepo: 'git@codeup.aliyun.com:nlp/llm-pretrain.git', CodeCommit: '3f9c2a7d41be09e5c6a8d2f1b47e90c3a5d6e7f8', Accessibility: 'PRIVATE' },
    { UserId: '200002', WorkspaceId: '1001', DisplayName: 'tokenizer-tools', Description: 'SentencePiece and BPE tokenizer training', CodeRepo: 'https://github.com/example-org/tokenizer-tools.git', CodeBranch: 'main', Accessibility: 'PUBLIC' },
    { UserId: '200002', WorkspaceId: '1001', DisplayName: 'rlhf-trainer', Description: 'PPO and DPO trainers', CodeRepo: 'https://codeup.aliyun.com/nlp/rlhf-trainer.git', CodeBranch: 'dev', CodeRepoUserName: 'bob', CodeRepoAccessToken: 'demo-token-bob-rlhf-0001', Accessibility: 'PRIVATE' },
    { UserId: '200003', WorkspaceId: '1001', DisplayName: 'eval-harness', Description: 'Benchmarks: MMLU, C-Eval, GSM8K', CodeRepo: 'https://github.com/example-org/eval-harness.git', CodeBranch: 'v0.4.2', Accessibility: 'PUBLIC' },
    { UserId: '200003', WorkspaceId: '1001', DisplayName: 'data-cleaning', Description: 'Dedup and quality filters for web corpora', CodeRepo: 'ssh://git@codeup.aliyun.com/nlp/data-cleaning.git', CodeCommit: 'a1b2c3d', Accessibility: 'PRIVATE', CloneType: 1, MountPath: '/mnt/workspace/data-cleaning/' },
    { UserId: '200003', WorkspaceId: '1001', DisplayName: 'qwen-sft', Description: 'Supervised fine-tuning of Qwen models', CodeRepo: 'https://github.com/example-org/qwen-sft.git', CodeBranch: 'feature/lora-merge', Accessibility: 'PUBLIC' },
    { UserId: '200001', WorkspaceId: '1001', DisplayName: 'distributed-utils', Description: 'NCCL and DeepSpeed launch helpers', CodeRepo: 'https://gitlab.com/example-org/distributed-utils.git', Accessibility: 'PRIVATE' },
    { UserId: '200002', WorkspaceId: '1001', DisplayName: '中文分词实验', Description: 'Chinese word segmentation experiments', CodeRepo: 'https://gitee.com/example-org/cws-experiments.git', Accessibility: 'PUBLIC' },
    { UserId: '200001', WorkspaceId: '1002', DisplayName: 'yolo-detector', Description: 'Object detection training', CodeRepo: 'https://github.com/example-org/yolo-detector.git', CodeBranch: 'main', Accessibility: 'PUBLIC' },
    { UserId: '200003', WorkspaceId: '1002', DisplayName: 'segmentation-baselines', Description: 'Semantic segmentation baselines', CodeRepo: 'git@github.com:example-org/segmentation-baselines.git', Accessibility: 'PRIVATE' },
  ],
};
