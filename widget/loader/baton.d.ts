// Types for the Baton chat widget's page API (`window.Baton`), served beside the loader as
// /baton.d.ts. Reference it from your code with `/// <reference path="baton.d.ts" />` or copy it
// into your project. Every command may be called before the loader has run: queue it with
//   window.Baton = window.Baton || function () { (window.Baton.q = window.Baton.q || []).push(arguments) };

/** Who wrote a message. */
type BatonAuthor = "customer" | "bot" | "agent";

/** What the host page may say about its visitor. Unverified unless `user_hash` signs `user_id`. */
interface BatonVisitor {
  /** Your own id for the signed-in user. */
  user_id?: string;
  /** hex(HMAC-SHA256(identity secret, user_id)), computed on your server. */
  user_hash?: string;
  name?: string;
  email?: string;
  /** Shown to agents; rules may match them (e.g. { plan: "vip" }). */
  attributes?: Record<string, string>;
}

/** The event names and what each listener receives. */
interface BatonEvents {
  /** The widget is on the page and takes commands. */
  ready: {};
  /** The chat panel opened. */
  open: {};
  /** The chat panel closed. */
  close: {};
  /** A message reached the conversation: the visitor's, the bot's or an agent's. */
  message: { from: BatonAuthor; text: string };
  /** A person took the conversation over. */
  agent_joined: { agent: string };
  /** The person left without handing back; the visitor waits for the next one. */
  agent_left: {};
  /** The person handed the conversation back to the bot. */
  handed_back: {};
  /** Replies the visitor has not seen (while the panel is closed). */
  unread: { count: number };
  /** The visitor rated the conversation, 1 to 5. */
  rating: { score: number };
  /** The conversation was closed (by the visitor, an agent, or after inactivity). */
  conversation_ended: { reason: string };
}

type BatonLocale = "en" | "es" | "fr" | "de" | "pt" | (string & {});

interface BatonApi {
  (command: "open" | "close" | "toggle"): void;
  (command: "showLauncher" | "hideLauncher"): void;
  /** Who the visitor is; with `user_hash`, verified. */
  (command: "identify", visitor: BatonVisitor): void;
  (command: "setAttributes", attributes: Record<string, string>): void;
  /** The widget's language; a language it does not speak falls back to the browser's, then English. */
  (command: "setLocale", locale: BatonLocale): void;
  /** The host signed its user out: forget the visitor; the next chat starts fresh. */
  (command: "reset"): void;
  <E extends keyof BatonEvents>(command: "on" | "off", event: E, listener: (detail: BatonEvents[E]) => void): void;
  /** Calls queued before the loader ran. */
  q?: IArguments[];
}

interface Window {
  Baton: BatonApi;
}
