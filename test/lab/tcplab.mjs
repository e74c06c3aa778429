#!/usr/bin/env node
// Small TCP servers and clients for the tcpdoc lab (test/lab/lab.sh).
// Every role talks only to 127.0.0.0/8 or ::1 inside a throwaway network
// namespace created by lab.sh. All loops are bounded.
//
// usage: node tcplab.mjs <role> [key=value ...]
//
// Server roles (print "listening" when ready):
//   serve-echo      answer "ok\n" to every chunk; close when the peer closes
//   serve-leak      never close after peer EOF (CLOSE_WAIT leak); reads EOF on
//                   the first `read=N` connections, never reads the others
//   serve-halfclose write "bye\n", shutdown(SHUT_WR), keep the socket (owned
//                   FIN_WAIT_2 when the peer never closes)
//   serve-closefirst write "bye\n" and close() fully (orphan FIN_WAIT_2 when
//                   the peer never closes)
//   serve-blast     write `bytes=` bytes to every client, as fast as allowed
//   serve-idle      answer "ok\n" to every chunk; destroy a connection after
//                   `idle=` ms without data (an upstream's idle timeout)
//   serve-slowclose read to EOF, then close `delay=` ms later (a slow but
//                   working close path: CLOSE_WAIT that rotates)
// Client roles (print "ready N" when all N are connected):
//   hold     open `count=` connections from `src=` addresses (comma list),
//            optionally send `send=` text, then do `then=`:
//            hold | end (shutdown, keep socket) | pause (never read);
//            with then=pause and `resume=FILE`: once FILE exists, resume
//            `rate=` sockets per second, and close each one at its EOF
//   churn    sequential short connections (client closes first) until an
//            error or `max=` attempts; prints errors the way node does
//   udp-unix one UDP socket (udpport=) and a unix stream listener at path=
//            with one connected client (for ss -a / netstat -anp)
//   pulse    `rate=` new connections per second for `secs=` seconds from
//            `src=` addresses: send `send=`, then `then=end` (shutdown, keep
//            the socket) or `then=wait` (close after the server's EOF)
//   retry    `count=` parallel connects to an unreachable upstream; each
//            slot reconnects after an error, at most `tries=` times
import net from 'node:net';

const [role, ...rest] = process.argv.slice(2);
const opt = Object.fromEntries(rest.map((a) => { const i = a.indexOf('='); return [a.slice(0, i), a.slice(i + 1)]; }));
const host = opt.host ?? '127.0.0.1';
const port = Number(opt.port ?? 8080);
const count = Number(opt.count ?? 100);
const srcs = (opt.src ?? '').split(',').filter(Boolean);
const keep = [];
// title=NAME: the process name the socket owner scan reads (/proc/PID/comm), so hosts of a fleet tell programs apart
if (opt.title) process.title = opt.title;

function listen(server) {
  server.on('error', (e) => { console.error(e); process.exit(1); });
  server.listen({ host, port, backlog: Number(opt.backlog ?? 511) }, () => console.log('listening'));
}

switch (role) {
  case 'serve-echo': {
    listen(net.createServer((s) => {
      s.on('data', () => s.write('ok\n'));
      s.on('error', () => {});
    }));
    break;
  }
  case 'serve-leak': {
    const readN = Number(opt.read ?? 0);
    let n = 0;
    listen(net.createServer({ pauseOnConnect: true, allowHalfOpen: true }, (s) => {
      keep.push(s);
      s.on('error', () => {});
      if (n++ < readN) { s.on('data', () => {}); s.on('end', () => { /* bug: never close */ }); s.resume(); }
    }));
    break;
  }
  case 'serve-halfclose': {
    listen(net.createServer({ allowHalfOpen: true }, (s) => {
      keep.push(s);
      s.on('error', () => {});
      s.on('data', () => {});
      s.end('bye\n');
    }));
    break;
  }
  case 'serve-closefirst': {
    listen(net.createServer((s) => {
      s.on('error', () => {});
      // read the request first: closing with unread data would send a RST
      s.once('data', () => s.end('bye\n', () => s.destroy()));
    }));
    break;
  }
  case 'serve-blast': {
    const total = Number(opt.bytes ?? 1 << 20);
    const chunk = Buffer.alloc(65536, 0x61);
    listen(net.createServer((s) => {
      keep.push(s);
      s.on('error', () => {});
      let sent = 0;
      const pump = () => { while (sent < total) { sent += chunk.length; if (!s.write(chunk)) { s.once('drain', pump); return; } } };
      pump();
    }));
    break;
  }
  case 'serve-idle': {
    const idle = Number(opt.idle ?? 1000);
    listen(net.createServer((s) => {
      s.on('error', () => {});
      s.on('data', () => s.write('ok\n'));
      s.setTimeout(idle, () => s.destroy());
    }));
    break;
  }
  case 'serve-slowclose': {
    const delay = Number(opt.delay ?? 3000);
    listen(net.createServer({ allowHalfOpen: true }, (s) => {
      s.on('error', () => {});
      s.on('data', () => {});
      s.on('end', () => setTimeout(() => s.destroy(), delay));
    }));
    break;
  }
  case 'pulse': {
    const rate = Number(opt.rate ?? 10);
    const then = opt.then ?? 'end';
    const stop = Date.now() + Number(opt.secs ?? 10) * 1000;
    let i = 0, errors = 0;
    const timer = setInterval(() => {
      if (Date.now() >= stop) { clearInterval(timer); console.log(`pulse: ${i} connections, ${errors} errors`); return; }
      const o = { host, port, allowHalfOpen: true };
      if (srcs.length) o.localAddress = srcs[i % srcs.length];
      i++;
      const s = net.connect(o);
      s.on('error', (e) => { errors++; if (errors <= 3) console.error(String(e)); });
      s.on('data', () => {});
      s.once('connect', () => {
        if (opt.send) s.write(opt.send.replace(/\\n/g, '\n').replace(/\\r/g, '\r'));
        if (then === 'end') { keep.push(s); s.end(); }
      });
      if (then === 'wait') s.once('end', () => s.destroy());
    }, 1000 / rate);
    break;
  }
  case 'hold': {
    const then = opt.then ?? 'hold';
    const conc = Number(opt.concurrency ?? 50);
    let started = 0, done = 0;
    const one = () => {
      if (started >= count) return;
      const i = started++;
      const o = { host, port, allowHalfOpen: true };
      if (srcs.length) o.localAddress = srcs[i % srcs.length];
      const s = net.connect(o);
      keep.push(s);
      if (then === 'pause') s.pause();
      s.on('error', (e) => console.error(String(e)));
      s.on('data', () => {});
      s.once('connect', () => {
        if (opt.send) s.write(opt.send.replace(/\\n/g, '\n').replace(/\\r/g, '\r'));
        if (then === 'end') s.end();
        if (++done === count) console.log(`ready ${count}`);
        one();
      });
    };
    for (let k = 0; k < Math.min(conc, count); k++) one();
    if (then === 'pause' && opt.resume) {
      const rate = Number(opt.rate ?? 5);
      let next = 0;
      const poll = setInterval(async () => {
        const fs = await import('node:fs');
        if (!fs.existsSync(opt.resume)) return;
        clearInterval(poll);
        console.log('resuming');
        const tick = setInterval(() => {
          for (let k = 0; k < rate && next < keep.length; k++, next++) {
            const s = keep[next];
            s.once('end', () => s.destroy());
            s.resume();
          }
          if (next >= keep.length) { clearInterval(tick); console.log(`resumed ${next}`); }
        }, 1000);
      }, 100);
    }
    break;
  }
  case 'churn': {
    const max = Number(opt.max ?? 1000);
    let i = 0, errors = 0;
    const one = () => {
      if (i++ >= max) { console.log(`churn: ${max} connections done`); process.exit(0); }
      const s = net.connect({ host, port });
      s.once('connect', () => { s.write('GET / HTTP/1.0\r\n\r\n'); s.end(); });
      s.on('data', () => {});
      s.once('close', (hadErr) => { if (!hadErr) one(); });
      s.once('error', (e) => {
        errors++;
        console.error(e);
        if (errors >= Number(opt.errors ?? 3)) {
          console.log(`churn: ${i - errors} connections ok, giving up after ${errors} errors`);
          // last one unhandled, as an app without an error handler would crash
          if (opt.crash === '1') net.connect({ host, port });
          else process.exit(1);
          return;
        }
        setTimeout(one, 100);
      });
    };
    one();
    break;
  }
  case 'retry': {
    const tries = Number(opt.tries ?? 2);
    const slot = (k, t) => {
      const s = net.connect({ host, port });
      s.once('connect', () => { console.log(`slot ${k} connected`); keep.push(s); });
      s.once('error', (e) => {
        console.error(`${new Date().toISOString()} pool slot ${k} try ${t}: ${e.message}`);
        if (t < tries) setTimeout(() => slot(k, t + 1), 200);
      });
    };
    for (let k = 0; k < count; k++) slot(k, 1);
    break;
  }
  case 'udp-unix': {
    // one UDP socket and one connected unix stream pair, for `ss -a` / `netstat -anp`
    const { createSocket } = await import('node:dgram');
    const u = createSocket('udp4');
    u.bind(Number(opt.udpport ?? 5300), host);
    keep.push(u);
    const path = opt.path;
    const srv = net.createServer((s) => keep.push(s));
    srv.listen(path, () => {
      const c = net.connect(path, () => console.log('ready unix+udp'));
      keep.push(c);
    });
    break;
  }
  default:
    console.error(`unknown role ${role}`);
    process.exit(2);
}

// never outlive the lab: every role stops by itself
setTimeout(() => process.exit(0), Number(opt.lifetime ?? 180) * 1000).unref?.();
setInterval(() => {}, 1 << 30);
