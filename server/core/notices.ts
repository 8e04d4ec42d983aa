import type { Status } from "./types.ts";

// Everything the core tells a user, as a key and its values: render/i18n turns each into words
// in the user's language, so no English (or Spanish) is written here. An error's code is its key.

/** What a name rule refers to, so the renderer can say "Nick" or "Room name". */
export type NameKind = "nick" | "room";

export interface NoticeParams {
  // Input and commands
  usage: { usage: string };
  unknown_command: { command: string };
  not_logged_in: Record<string, never>;
  already_logged_in: Record<string, never>;
  bad_frame: { detail: string };
  nothing_to_send: Record<string, never>;
  too_long: { max: number };
  too_many_lines: { max: number };
  search_too_long: { max: number };
  line_too_long: { bytes: number; max: number };
  not_stored: Record<string, never>;
  // The store's health: a message refused while the database is away, anything else refused, and
  // the one notice each connected user gets when sending stops and when it works again.
  not_sent_store_down: Record<string, never>;
  store_down: Record<string, never>;
  sending_paused: Record<string, never>;
  sending_resumed: Record<string, never>;
  bad_count: { max: number };
  internal: Record<string, never>;
  flood: Record<string, never>;
  input_flood: Record<string, never>;
  too_fast: { seconds: number };
  kept_flooding: Record<string, never>;
  too_many_connections: { max: number };
  connecting_too_fast: { max: number };
  // People and rooms
  no_such_user: { nick: string };
  no_such_room: { room: string };
  self_message: Record<string, never>;
  no_one_to_reply: Record<string, never>;
  not_member: { room: string };
  already_in: { room: string };
  last_room: { room: string };
  offline_recipient: { nick: string };
  away_summary: { total: number; shown: number };
  resume_truncated: { max: number };
  topic_is: { room: string; topic: string };
  topic_none: { room: string };
  topic_set: { room: string; nick: string; topic: string };
  topic_cleared: { room: string; nick: string };
  topic_needs_room: Record<string, never>;
  room_deleted: { room: string };
  lobby_kept: { room: string };
  // Names and statuses
  name_length: { what: NameKind; min: number; max: number; got: number };
  name_space: { what: NameKind };
  name_invisible: { what: NameKind };
  name_char: { what: NameKind; char: string };
  nick_invisible: { code: string };
  nick_marks: { max: number };
  nick_mixed_scripts: { scripts: string };
  nick_reserved: { nick: string };
  nick_lookalike: { nick: string; existing: string };
  status_is: { status: Status; note: string };
  status_note_too_long: { max: number };
  // Accounts and logins
  welcome_banner: { serverName: string; motd: string[] };
  new_nick: { nick: string };
  nick_taken_race: { nick: string };
  password_short: { min: number };
  password_long: { max: number };
  bad_password: Record<string, never>;
  login_backoff: { seconds: number };
  account_changed: Record<string, never>;
  login_busy: Record<string, never>;
  failed_logins_since: { count: number };
  no_such_account: { nick: string };
  nick_taken: { nick: string };
  login_failed: Record<string, never>;
  too_many_attempts: Record<string, never>;
  wrong_password_unchanged: Record<string, never>;
  passwords_differ_unchanged: Record<string, never>;
  passwords_differ_retry: Record<string, never>;
  password_changed: Record<string, never>;
  bad_token: Record<string, never>;
  login_timeout: Record<string, never>;
  prompt_timeout: Record<string, never>;
  goodbye: Record<string, never>;
  // Settings
  unknown_setting: { name: string; names: string };
  bad_setting_value: { name: string; values: string };
  lang_offer: Record<string, never>;
  // The server and its operator
  motd: { lines: string[] };
  announcement: { text: string };
  server_stopping: Record<string, never>;
  server_restarting: Record<string, never>;
  banned: { until: Date | null; reason: string };
  kicked: { reason: string };
  not_online: { nick: string };
  not_banned: { nick: string };
  ban_not_future: { until: Date };
  nothing_to_announce: Record<string, never>;
  bad_config: { message: string };
  no_log_file: Record<string, never>;
  no_control: Record<string, never>;
  bad_request: { detail: string };
  // Prompts
  prompt_nick: Record<string, never>;
  prompt_password: Record<string, never>;
  prompt_new_password: Record<string, never>;
  prompt_repeat_password: Record<string, never>;
  prompt_current_password: Record<string, never>;
  prompt_repeat_new_password: Record<string, never>;
}

export type NoticeKey = keyof NoticeParams;

/** One thing to tell a user: a key and the values its sentence needs. */
export type Notice = { [K in NoticeKey]: { key: K; params: NoticeParams[K] } }[NoticeKey];

/** Keys whose sentence needs no values. */
type Bare = { [K in NoticeKey]: NoticeParams[K] extends Record<string, never> ? K : never }[NoticeKey];

export function notice<K extends Bare>(key: K): Notice;
export function notice<K extends NoticeKey>(key: K, params: NoticeParams[K]): Notice;
export function notice(key: NoticeKey, params: object = {}): Notice {
  return { key, params } as Notice;
}
