import { networkInterfaces } from "node:os";
import { join } from "node:path";
import type { Config } from "../config/schema.ts";

export interface Ports {
  tcpPort: number;
  httpPort: number;
  tlsPort?: number;
  httpsPort?: number;
}

/** Where people and the operator reach a started server, as the `started` log line carries it. */
export interface Addresses {
  telnet: string;
  web: string;
  telnetTls?: string;
  webTls?: string;
  /** Where `chat admin` finds its token, or that the config holds it. */
  adminToken: string;
}

// A server bound to every address is reached by any of them; localhost is the one that always works.
const shownHost = (host: string) => (["0.0.0.0", "::", ""].includes(host) ? "localhost" : host.includes(":") ? `[${host}]` : host);

export function addresses(config: Config & { file?: string }, ports: Ports): Addresses {
  const host = shownHost(config.host);
    return {
    telnet: `telnet ${host} ${ports.tcpPort}`,
    web: `http://${host}:${ports.httpPort}`,
    ...(ports.tlsPort !== undefined && { telnetTls: `openssl s_client -quiet -connect ${host}:${ports.tlsPort}` }),
    ...(ports.httpsPort !== undefined && { webTls: `https://${host}:${ports.httpsPort}` }),
    adminToken: config.admin.token ? `admin.token in ${config.file ?? "the config"}` : join(config.dataDir, "admin.token"),
  };
}

/** The other addresses of this machine, for a server bound to all of them (people elsewhere use these). */
function lanAddresses(): string[] {
  return Object.values(networkInterfaces()).flat()
    .filter((a) => a && a.family === "IPv4" && !a.internal).map((a) => a!.address);
}

/** What a person starting chat in a terminal reads first: where to connect, how to administer, how to stop. */
export function bannerText(config: Config, a: Addresses): string {
  const lines = [
    "chat is running. Connect with:",
    `  terminal   ${a.telnet}    (or nc)`,
    `  browser    ${a.web}`,
  ];
  if (a.telnetTls) lines.push(`  TLS        ${a.telnetTls}`);
  if (a.webTls) lines.push(`             ${a.webTls}`);
  if (["0.0.0.0", "::", ""].includes(config.host)) {
    const others = lanAddresses();
    if (others.length) lines.push(`  from other machines, instead of localhost: ${others.join(", ")}`);
  }
  lines.push(`  admin      chat admin   (token: ${a.adminToken})`, "Ctrl-C stops it.");
  return lines.join("\n");
}
