/**
 * The realistic names of generated data sets (`nlp-bert-finetune-4230`): the bench's workspaces and the e2e
 * typing workspace use the same ones, so one typing script finds the same code source in both.
 */
export const TEAMS = ['nlp', 'cv', 'speech', 'rec', 'search', 'ads', 'infra', 'llm', 'risk', 'bio'];
export const MODELS = [
  'bert',
  'qwen',
  'llama',
  'resnet',
  'vit',
  'yolo',
  'whisper',
  'gpt2',
  't5',
  'clip',
  'unet',
  'xgboost',
  'deepfm',
  'wide-deep',
  'sam',
];
export const TASKS = ['finetune', 'pretrain', 'eval', 'distill', 'export', 'serving', 'data-prep', 'sweep', 'lora', 'rlhf'];

export const teamOf = (i: number) => TEAMS[i % TEAMS.length] ?? '';
export const modelOf = (i: number) => MODELS[(i * 7) % MODELS.length] ?? '';

/** The i-th generated name; unique per i. */
export function generatedName(i: number): string {
  return `${teamOf(i)}-${modelOf(i)}-${TASKS[(i * 13) % TASKS.length]}-${i}`;
}
