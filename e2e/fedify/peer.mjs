// A small fediverse server written with Fedify (an ActivityPub implementation nobody here wrote),
// for e2e/fedify_test.go. It has one actor, "peer", and does what a Mastodon user's server does
// with a blog: looks it up by WebFinger, follows it, replies to its posts and comments, likes
// and boosts them, and records every activity that reaches its inbox (Fedify verifies each
// one's HTTP signature before a listener sees it).
//
// The Go test drives it through a small JSON control API under /control/ and reads what it
// received. Usage: node peer.mjs — it listens on a free loopback port and prints
// "listening http://127.0.0.1:PORT" once ready.
import http from "node:http";
import { randomUUID } from "node:crypto";
import { createFederation, generateCryptoKeyPair, MemoryKvStore } from "@fedify/fedify";
import {
  Accept, Activity, Announce, Create, Delete, Endpoints, Follow, Like, Note, Person,
  PUBLIC_COLLECTION, Tombstone, Undo, Update,
} from "@fedify/vocab";
// Node 22 has no global Temporal; Fedify's own polyfill (a dependency in package-lock.json) is.
import { Temporal } from "@js-temporal/polyfill";

const federation = createFederation({
  kv: new MemoryKvStore(),
  // Broadside runs on a loopback address in the test.
  allowPrivateAddress: true,
});

const keyPairs = [await generateCryptoKeyPair("RSASSA-PKCS1-v1_5")];
const received = []; // every verified activity, oldest first
const notes = new Map(); // the notes this peer wrote, by id, so others can fetch them
const followed = new Map(); // actor id -> the Follow we sent

federation
  .setActorDispatcher("/users/{identifier}", async (ctx, identifier) => {
    if (identifier !== "peer") return null;
    const keys = await ctx.getActorKeyPairs(identifier);
    return new Person({
      id: ctx.getActorUri(identifier),
      preferredUsername: identifier,
      name: "Fedify Peer",
      summary: "A test reader on another server.",
      url: ctx.getActorUri(identifier),
      inbox: ctx.getInboxUri(identifier),
      endpoints: new Endpoints({ sharedInbox: ctx.getInboxUri() }),
      publicKey: keys[0].cryptographicKey,
      assertionMethods: keys.map((k) => k.multikey),
    });
  })
  .setKeyPairsDispatcher(async (_ctx, identifier) => (identifier === "peer" ? keyPairs : []));

federation.setObjectDispatcher(Note, "/notes/{id}", async (ctx, { id }) => {
  const note = notes.get(ctx.getObjectUri(Note, { id }).href);
  return note ?? null;
});

federation
  .setInboxListeners("/users/{identifier}/inbox", "/inbox")
  .on(Activity, async (ctx, activity) => {
    const json = await activity.toJsonLd({ format: "compact", contextLoader: ctx.contextLoader });
    received.push({ type: json.type, id: activity.id?.href ?? null, actor: activity.actorId?.href ?? null, json });
  });

function ctxFor(origin) {
  return federation.createContext(new URL(origin), undefined);
}

// The actor a handle, acct: URI or URL names, looked up as any fediverse server would.
async function lookupActor(ctx, handle) {
  const actor = await ctx.lookupObject(handle);
  if (actor == null || actor.inboxId == null) throw new Error(`no actor found for ${handle}`);
  return actor;
}

// The object (a post or a comment) at a URL, fetched with content negotiation.
async function lookup(ctx, url) {
  const obj = await ctx.lookupObject(url);
  if (obj == null) throw new Error(`nothing found at ${url}`);
  return obj;
}

const sender = { identifier: "peer" };

// Each control operation takes a JSON body and answers JSON.
const control = {
  // {handle} -> the actor's id, type, names and inbox.
  async lookup(ctx, { handle }) {
    const a = await lookupActor(ctx, handle);
    return { id: a.id.href, type: (await a.toJsonLd()).type, preferredUsername: a.preferredUsername?.toString() ?? null,
      name: a.name?.toString() ?? null, inbox: a.inboxId.href, sharedInbox: a.endpoints?.sharedInbox?.href ?? null };
  },
  // {url} -> the object there, as JSON-LD (compact).
  async fetch(ctx, { url }) {
    const obj = await lookup(ctx, url);
    return await obj.toJsonLd({ format: "compact", contextLoader: ctx.contextLoader });
  },
  async follow(ctx, { handle }) {
    const actor = await lookupActor(ctx, handle);
    const follow = new Follow({ id: new URL(`/follows/${randomUUID()}`, ctx.origin), actor: ctx.getActorUri("peer"), object: actor.id });
    await ctx.sendActivity(sender, actor, follow);
    followed.set(actor.id.href, follow);
    return { id: follow.id.href, object: actor.id.href };
  },
  async unfollow(ctx, { handle }) {
    const actor = await lookupActor(ctx, handle);
    const follow = followed.get(actor.id.href);
    if (follow == null) throw new Error(`not following ${handle}`);
    const undo = new Undo({ id: new URL(`/undos/${randomUUID()}`, ctx.origin), actor: ctx.getActorUri("peer"), object: follow });
    await ctx.sendActivity(sender, actor, undo);
    followed.delete(actor.id.href);
    return { id: undo.id.href };
  },
  // {handle, inReplyTo, content} -> Create(Note) replying to a post or comment URL, sent to the
  // blog's inbox, addressed publicly as Mastodon does.
  async reply(ctx, { handle, inReplyTo, content }) {
    const actor = await lookupActor(ctx, handle);
    const id = ctx.getObjectUri(Note, { id: randomUUID() });
    // Fedify names inReplyTo "replyTarget".
    const note = new Note({ id, attribution: ctx.getActorUri("peer"), content, replyTarget: new URL(inReplyTo),
      to: PUBLIC_COLLECTION, cc: actor.id, published: Temporal.Now.instant(), url: id });
    notes.set(id.href, note);
    await ctx.sendActivity(sender, actor, new Create({ id: new URL(`${id.href}#create`), actor: ctx.getActorUri("peer"),
      object: note, to: PUBLIC_COLLECTION, cc: actor.id }));
    return { id: id.href };
  },
  async edit(ctx, { handle, id, content }) {
    const actor = await lookupActor(ctx, handle);
    const old = notes.get(id);
    if (old == null) throw new Error(`no note ${id}`);
    const note = old.clone({ content, updated: Temporal.Now.instant() });
    notes.set(id, note);
    await ctx.sendActivity(sender, actor, new Update({ id: new URL(`${id}#update-${randomUUID()}`), actor: ctx.getActorUri("peer"),
      object: note, to: PUBLIC_COLLECTION, cc: actor.id }));
    return { id };
  },
  async delete(ctx, { handle, id }) {
    const actor = await lookupActor(ctx, handle);
    notes.delete(id);
    await ctx.sendActivity(sender, actor, new Delete({ id: new URL(`${id}#delete`), actor: ctx.getActorUri("peer"),
      object: new Tombstone({ id: new URL(id) }), to: PUBLIC_COLLECTION }));
    return { id };
  },
  // {handle, object} -> Like or Announce of a post URL; {handle, activity} with "undo" takes one back.
  async like(ctx, { handle, object }) {
    return await react(ctx, Like, handle, object);
  },
  async announce(ctx, { handle, object }) {
    return await react(ctx, Announce, handle, object);
  },
  async undo(ctx, { handle, id }) {
    const actor = await lookupActor(ctx, handle);
    const done = reactions.get(id);
    if (done == null) throw new Error(`no activity ${id}`);
    await ctx.sendActivity(sender, actor, new Undo({ id: new URL(`${id}#undo`), actor: ctx.getActorUri("peer"), object: done }));
    reactions.delete(id);
    return { id };
  },
  // -> every activity received so far.
  async received() {
    return received;
  },
  // --- Replies go back (e2e/fedify_replies_test.go) ---
  // {inReplyTo, content} -> a Note by the peer, kept so it can be fetched but sent nowhere:
  // the test makes it a comment of the blog itself, so that part does not depend on the
  // blog's inbox.
  async note(ctx, { inReplyTo, content }) {
    const id = ctx.getObjectUri(Note, { id: randomUUID() });
    const note = new Note({ id, attribution: ctx.getActorUri("peer"), content, inReplyTo: new URL(inReplyTo),
      to: PUBLIC_COLLECTION, url: id });
    notes.set(id.href, note);
    return { id: id.href };
  },
};

const reactions = new Map();
async function react(ctx, Kind, handle, object) {
  const actor = await lookupActor(ctx, handle);
  const id = new URL(`/${Kind.name.toLowerCase()}s/${randomUUID()}`, ctx.origin);
  const act = new Kind({ id, actor: ctx.getActorUri("peer"), object: new URL(object), to: PUBLIC_COLLECTION, cc: actor.id });
  reactions.set(id.href, act);
  await ctx.sendActivity(sender, actor, act);
  return { id: id.href };
}

function headersOf(req) {
  const h = new Headers();
  for (let i = 0; i < req.rawHeaders.length; i += 2) h.append(req.rawHeaders[i], req.rawHeaders[i + 1]);
  return h;
}

let origin;
const server = http.createServer(async (req, res) => {
  try {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const body = Buffer.concat(chunks);
    const url = new URL(req.url, origin);
    if (url.pathname.startsWith("/control/")) {
      const op = control[url.pathname.slice("/control/".length)];
      if (op == null) {
        res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ error: "no such operation" }));
        return;
      }
      try {
        const out = await op(ctxFor(origin), body.length ? JSON.parse(body.toString()) : {});
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(out));
      } catch (e) {
        res.writeHead(500, { "content-type": "application/json" }).end(JSON.stringify({ error: String(e?.stack ?? e) }));
      }
      return;
    }
    const request = new Request(url, {
      method: req.method,
      headers: headersOf(req),
      body: req.method === "GET" || req.method === "HEAD" ? undefined : body,
    });
    const response = await federation.fetch(request, { contextData: undefined });
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
  } catch (e) {
    console.error(e);
    if (!res.headersSent) res.writeHead(500).end(String(e));
  }
});

server.listen(0, "127.0.0.1", () => {
  origin = `http://127.0.0.1:${server.address().port}`;
  console.log(`listening ${origin}`);
});
