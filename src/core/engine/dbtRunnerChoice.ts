/** Who runs dbt models: `auto` renders in-process what it can and gives dbt the rest. */
export type DbtRunnerChoice = 'auto' | 'in-process' | 'dbt';

export const DBT_RUNNER_CHOICES: readonly DbtRunnerChoice[] = ['auto', 'in-process', 'dbt'];
