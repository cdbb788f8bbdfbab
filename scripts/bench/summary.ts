/**
 * The one summary table `npm run bench` prints at the end: each issue figure next to its target, met or missed.
 * Any part of the bench adds its rows with `recordTarget`; `met` is undefined for a figure that is only reported.
 */
export interface TargetRow {
  figure: string;
  value: string | number;
  target: string;
  met: boolean | undefined;
  /** Why a miss is a miss, or what else to read next to the figure. */
  note?: string;
}

export const targets: TargetRow[] = [];

export function recordTarget(row: TargetRow): void {
  targets.push(row);
}

export function printSummary(title: string): void {
  console.log(`\n${title}`);
  console.table(
    targets.map((t) => ({
      figure: t.figure,
      value: t.value,
      target: t.target,
      met: t.met === undefined ? '(reported)' : t.met ? 'met' : 'MISSED',
      ...(t.note ? { note: t.note } : {}),
    })),
  );
  const missed = targets.filter((t) => t.met === false).length;
  console.log(
    `${targets.filter((t) => t.met).length} met, ${missed} missed, ${targets.filter((t) => t.met === undefined).length} reported only`,
  );
}
