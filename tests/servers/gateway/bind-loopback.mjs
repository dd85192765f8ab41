// Preloaded with `node --import ./bind-loopback.mjs`: makes every TCP server that does not name a host listen on
// 127.0.0.1 instead of all interfaces. The OSS gateway has no host option (it calls `server.listen(port, undefined,
// callback)`), and the test suite must never expose it (or the provider keys it relays) beyond the loopback.
import net from "node:net";

const LOOPBACK = "127.0.0.1";
const listen = net.Server.prototype.listen;

net.Server.prototype.listen = function listenOnLoopback(...args) {
  const [first, second] = args;
  if (first !== null && typeof first === "object" && !Array.isArray(first)) {
    if (first.path === undefined && first.host === undefined) {
      args[0] = { ...first, host: LOOPBACK };
    }
  } else if (typeof first === "number" || (typeof first === "string" && /^\d+$/.test(first))) {
    if (second === undefined || second === null || typeof second === "function" || typeof second === "number") {
      if (second === undefined || second === null) {
        args[1] = LOOPBACK;
      } else {
        args.splice(1, 0, LOOPBACK);
      }
    }
  } else if (first === undefined || typeof first === "function") {
    args.splice(0, first === undefined ? 1 : 0, 0, LOOPBACK);
  }
  return listen.apply(this, args);
};
