// Drives a running Broadside with node-wpapi (https://www.npmjs.com/package/wpapi), the
// WordPress REST API client, exactly as a WordPress site would be driven, and prints what it
// saw as one JSON object for e2e/wpapi_test.go to check.
//
//   node run.mjs BASE_URL USER APP_PASSWORD [JPEG_FILE]
//
// Every step is recorded; a step that throws records {error: …} and the run goes on, so the
// Go test can say precisely what failed.
import { readFileSync } from 'node:fs';
import WPAPI from 'wpapi';

const [base, username, password, jpegFile] = process.argv.slice(2);
if (!base || !username || !password) {
	console.error('usage: node run.mjs BASE_URL USER APP_PASSWORD');
	process.exit(2);
}

const out = {};
async function step(name, fn) {
	try {
		out[name] = await fn();
	} catch (e) {
		out[name] = { error: { code: e.code ?? null, message: e.message ?? String(e), status: e.data?.status ?? e.status ?? null } };
	}
}

// Autodiscovery: HEAD the site, follow Link rel="https://api.w.org/", bootstrap the client
// from the index's routes.
let wp;
await step('discover', async () => {
	wp = await WPAPI.discover(base);
	return { endpoint: wp._options.endpoint, hasPosts: typeof wp.posts === 'function', hasComments: typeof wp.comments === 'function' };
});
if (!wp) {
	wp = new WPAPI({ endpoint: base + '/wp-json' });
}

let first;
await step('list', async () => {
	const posts = await wp.posts().get();
	first = posts[0];
	return {
		count: posts.length,
		total: posts._paging?.total ?? null,
		totalPages: posts._paging?.totalPages ?? null,
		ids: posts.map((p) => p.id),
		title: first?.title?.rendered ?? null,
	};
});

await step('get', async () => {
	const p = await wp.posts().id(first.id).get();
	return { id: p.id, slug: p.slug, link: p.link, status: p.status, type: p.type, keys: Object.keys(p).sort(), protected: p.content.protected };
});

await step('embed', async () => {
	const p = await wp.posts().id(first.id).embed().get();
	const emb = p._embedded ?? {};
	return {
		author: emb.author?.[0]?.name ?? null,
		replies: emb.replies?.[0]?.length ?? null,
		terms: (emb['wp:term'] ?? []).map((group) => group.map((t) => t.slug)),
	};
});

await step('search', async () => {
	const found = await wp.posts().search('Willsman').get();
	const none = await wp.posts().search('zzzz-no-such-word-zzzz').get();
	const results = await wp.search().search('Willsman').get();
	return { ids: found.map((p) => p.id), none: none.length, results: results.map((r) => ({ id: r.id, type: r.type, subtype: r.subtype })) };
});

await step('paging', async () => {
	const page1 = await wp.comments().forPost(first.id).perPage(10).get();
	const page2 = await page1._paging.next.get();
	const ids1 = page1.map((c) => c.id);
	const ids2 = page2.map((c) => c.id);
	return {
		total: page1._paging.total,
		totalPages: page1._paging.totalPages,
		page1: ids1.length,
		page2: ids2.length,
		overlap: ids1.filter((id) => ids2.includes(id)).length,
		page2HasPrev: Boolean(page2._paging.prev),
	};
});

const authed = new WPAPI({ endpoint: wp._options.endpoint, username, password });
let created;
await step('me', async () => {
	const me = await authed.users().me().get();
	return { slug: me.slug, id: me.id };
});

await step('createPost', async () => {
	created = await authed.posts().create({
		title: 'Posted by node-wpapi',
		content: '<p>Hello from <em>wpapi</em><script>alert(1)</script></p>',
		status: 'publish',
	});
	return { id: created.id, status: created.status, raw: created.title.raw, rendered: created.content.rendered };
});

await step('updatePost', async () => {
	const u = await authed.posts().id(created.id).update({ title: 'Updated by node-wpapi' });
	const again = await wp.posts().id(created.id).get();
	return { title: u.title.rendered, publicTitle: again.title.rendered };
});

await step('createComment', async () => {
	const c = await wp.comments().create({
		post: first.id,
		author_name: 'Node Reader',
		author_email: 'node.reader@example.net',
		content: 'A comment sent with node-wpapi.',
	});
	return { id: c.id, status: c.status, post: c.post };
});

await step('moderate', async () => {
	const comments = await authed.comments().forPost(first.id).param('status', 'hold').get();
	const held = comments.find((c) => c.author_name === 'Node Reader');
	const approved = await authed.comments().id(held.id).update({ status: 'approve' });
	return { status: approved.status };
});

await step('deletePost', async () => {
	const d = await authed.posts().id(created.id).param('force', true).delete();
	return { deleted: d.deleted, previous: d.previous?.id ?? null };
});

// The media library: an upload as node-wpapi sends it (multipart, the file and then the
// fields), the file set as a post's featured image, an update, the list and a deletion.
let media;
if (jpegFile) {
	await step('uploadMedia', async () => {
		media = await authed.media().file(readFileSync(jpegFile), 'photo.jpg').create({ title: 'Photo from wpapi', alt_text: 'A test photo' });
		const served = await fetch(media.source_url);
		return {
			type: media.type, mediaType: media.media_type, mime: media.mime_type, title: media.title.raw, alt: media.alt_text,
			width: media.media_details.width, height: media.media_details.height, served: served.status,
			servedType: served.headers.get('content-type'),
		};
	});
	await step('featuredMedia', async () => {
		const p = await authed.posts().create({ title: 'With a featured image', status: 'publish', featured_media: media.id });
		const got = await authed.posts().id(p.id).embed().get();
		await authed.posts().id(p.id).param('force', true).delete();
		return { same: p.featured_media === media.id, embedded: got._embedded?.['wp:featuredmedia']?.[0]?.source_url === media.source_url };
	});
	await step('updateMedia', async () => {
		const u = await authed.media().id(media.id).update({ alt_text: 'Changed alt', caption: 'A caption' });
		return { alt: u.alt_text, caption: u.caption.raw };
	});
	await step('listMedia', async () => {
		const all = await authed.media().param('media_type', 'image').get();
		return { total: all._paging?.total ?? null, ids: all.map((m) => m.id) };
	});
	await step('deleteMedia', async () => {
		const d = await authed.media().id(media.id).param('force', true).delete();
		return { deleted: d.deleted, previous: d.previous?.id === media.id };
	});
	await step('mediaNoAuth', async () => {
		try {
			await wp.media().file(readFileSync(jpegFile), 'photo.jpg').create({ title: 'Not allowed' });
			return { unexpected: 'no error' };
		} catch (e) {
			return { code: e.code, status: e.data?.status };
		}
	});
}

await step('notFound', async () => {
	try {
		await wp.posts().id(999999).get();
		return { unexpected: 'no error' };
	} catch (e) {
		return { code: e.code, status: e.data?.status };
	}
});

await step('noAuth', async () => {
	try {
		await wp.posts().create({ title: 'Not allowed', content: 'x', status: 'publish' });
		return { unexpected: 'no error' };
	} catch (e) {
		return { code: e.code, status: e.data?.status };
	}
});

await step('badPassword', async () => {
	const bad = new WPAPI({ endpoint: wp._options.endpoint, username, password: 'abcd efgh ijkl mnop qrst uvwx' });
	try {
		await bad.posts().create({ title: 'Not allowed', content: 'x' });
		return { unexpected: 'no error' };
	} catch (e) {
		return { code: e.code, status: e.data?.status };
	}
});

console.log(JSON.stringify(out));
