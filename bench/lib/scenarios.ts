// Every scenario once, in report order: its name on the command line (`--only`) and its title in
// the results, the report and the chart.
export const SCENARIOS = [
  { cli: "tcp", title: "TCP fan-out" },
  { cli: "ws", title: "WebSocket fan-out" },
  { cli: "latency", title: "latency" },
  { cli: "idle", title: "idle connections" },
  { cli: "persistence", title: "persistence" },
  { cli: "cluster", title: "cluster" },
  { cli: "startup", title: "startup" },
] as const;

export type ScenarioName = (typeof SCENARIOS)[number]["cli"];

export const CLI_NAMES: readonly string[] = SCENARIOS.map((s) => s.cli);

export const title = (cli: ScenarioName): string => SCENARIOS.find((s) => s.cli === cli)!.title;
