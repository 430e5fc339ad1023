// The floor for Baton's relay latency: the same runtime, the same kind of Durable Object and the
// same hibernating WebSocket API, minus everything Baton does per message (decoding, checks,
// the state machine, SQLite, the brain, dashboards). Frames are forwarded as they came.

export class Relay {
  constructor(state) {
    this.state = state;
  }

  async fetch(request) {
    if (request.headers.get("Upgrade") !== "websocket") {
      return new Response("expected a WebSocket upgrade", { status: 426 });
    }
    const [client, server] = Object.values(new WebSocketPair());
    this.state.acceptWebSocket(server);
    return new Response(null, { status: 101, webSocket: client });
  }

  webSocketMessage(ws, message) {
    for (const other of this.state.getWebSockets()) {
      if (other !== ws) other.send(message);
    }
  }

  webSocketClose(ws, code) {
    // 1005 and 1006 say no code was given; they may not be sent back.
    ws.close(code === 1005 || code === 1006 ? 1000 : code, "bye");
  }
}

export default {
  async fetch(request, env) {
    const { pathname } = new URL(request.url);
    if (pathname === "/health") return new Response("ok");
    const room = /^\/relay\/([A-Za-z0-9_-]{1,64})$/.exec(pathname);
    if (!room) return new Response("not found", { status: 404 });
    return env.RELAY.get(env.RELAY.idFromName(room[1])).fetch(request);
  },
};
