// An npm `ws` echo server for wsx-client's interop test
// (wsx_client_interop.py --server ws): 127.0.0.1 port 0, permessage-deflate
// on (threshold 0: every message compressed), prints "port=N" once listening,
// exits when its stdin closes (the test's end) or after 120 s at most.
// With `--cert FILE --key FILE` it speaks wss:// (node's https server).
//   /close4001: the server closes at once with 4001 "custom close".
//   /forbidden: the handshake is refused with 403.
//   otherwise: every message echoed with its type.
import { WebSocketServer } from "ws";
import { readFileSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import { parseArgs } from "node:util";

const { values } = parseArgs({ options: { cert: { type: "string" }, key: { type: "string" } } });
const server = values.cert
  ? https.createServer({ cert: readFileSync(values.cert), key: readFileSync(values.key) })
  : http.createServer();
const wss = new WebSocketServer({
  noServer: true,
  maxPayload: 16 << 20,
  perMessageDeflate: { threshold: 0 },
});
server.on("upgrade", (request, socket, head) => {
  if (request.url === "/forbidden") {
    socket.end("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    return;
  }
  wss.handleUpgrade(request, socket, head, (ws) => {
    if (request.url === "/close4001") {
      ws.close(4001, "custom close");
      return;
    }
    ws.on("message", (data, isBinary) => ws.send(data, { binary: isBinary }));
  });
});
server.listen(0, "127.0.0.1", () => {
  process.stdout.write(`port=${server.address().port}\n`);
});
const stop = () => process.exit(0);
process.stdin.on("end", stop);
process.stdin.on("close", stop);
process.stdin.resume();
setTimeout(stop, 120_000).unref();
