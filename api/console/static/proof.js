// The console's proof badge. In the browser, with WebCrypto only, it checks that an event is a leaf of
// the ledger's Merkle tree under a checkpoint signed by the key the auditor pinned (docs/INTEGRITY.md):
//   1. the leaf hash, recomputed from the event's canonical bytes (leaf v2: SHA-256(0x00 || bytes)),
//      and those bytes are the event on the page (same position, same event id);
//   2. the audit path folds that leaf up to the checkpoint's root (RFC 9162 §2.1.3.2);
//   3. the checkpoint's signed_text names that tree size and root, and its Ed25519 signature verifies
//      under the pinned key (never under a key the server offers);
//   4. the C2SP note names the same tree, and every pinned witness cosigned it (tlog-cosignature v1:
//      Ed25519 over "cosignature/v1\ntime <t>\n" + the note text, key id SHA-256(name\n 0x04 key)[:4]).
// Any mismatch fails loudly. Reviewed like ledger/integrity/verifier.py: keep it small.
"use strict";
(function () {
  const PIN = "jejak.pinnedKey";
  const WITNESSES = "jejak.witnessKeys";
  const utf8 = new TextEncoder();

  function hex(bytes) {
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }
  function unhex(text) {
    if (!/^([0-9a-f]{2}){32}$/.test(text)) throw new Error("not a SHA-256 hash in hex: " + text);
    return Uint8Array.from(text.match(/../g), (h) => parseInt(h, 16));
  }
  function unbase64(text) {
    return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
  }
  async function sha256(...parts) {
    const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) { all.set(p, at); at += p.length; }
    return new Uint8Array(await crypto.subtle.digest("SHA-256", all));
  }
  const leafHash = (bytes) => sha256(Uint8Array.of(0), bytes);
  const nodeHash = (left, right) => sha256(Uint8Array.of(1), left, right);
  const half = (n) => Math.floor(n / 2);

  async function rootFromPath(index, size, leaf, path) {
    if (!(index >= 0 && index < size)) throw new Error(`leaf ${index} is not in a tree of ${size}`);
    let fn = index, sn = size - 1, r = leaf;
    for (const p of path) {
      if (sn === 0) throw new Error("the audit path is too long");
      if (fn % 2 === 1 || fn === sn) {
        r = await nodeHash(p, r);
        while (fn % 2 === 0 && fn !== 0) { fn = half(fn); sn = half(sn); }
      } else {
        r = await nodeHash(r, p);
      }
      fn = half(fn); sn = half(sn);
    }
    if (sn !== 0) throw new Error("the audit path is too short");
    return r;
  }

  async function pinnedKey() {
    const pem = localStorage.getItem(PIN);
    if (!pem) throw new Error("no pinned key: pin the log's public key first (Kunci tersemat)");
    const body = pem.replace(/-----(BEGIN|END) PUBLIC KEY-----/g, "").replace(/\s+/g, "");
    return crypto.subtle.importKey("spki", unbase64(body), { name: "Ed25519" }, false, ["verify"]);
  }

  async function check(position, eventId, material) {
    const done = [];
    const bytes = unbase64(material.canonical);
    const canonical = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
    if (canonical.position !== position || JSON.parse(canonical.state).meta.event_id !== eventId) {
      throw new Error("the canonical bytes are not this event's");
    }
    const leaf = await leafHash(bytes);
    const proof = material.inclusion;
    if (hex(leaf) !== proof.leaf_hash) {
      throw new Error(`leaf mismatch: the event's bytes hash to ${hex(leaf)}, the tree holds ${proof.leaf_hash}`);
    }
    done.push("daun dihitung ulang dari byte kanonik / leaf recomputed: " + hex(leaf).slice(0, 16) + "…");
    const cp = material.checkpoint;
    const lines = cp.signed_text.split("\n");
    if (lines.length !== 5 || lines[0] !== "jejak-checkpoint/v1" || lines[1] !== String(cp.tree_size) ||
        lines[2] !== cp.root_hash || lines[4] !== "" || proof.tree_size !== cp.tree_size ||
        proof.leaf_index !== position - 1) {
      throw new Error("the checkpoint's signed text does not name this tree");
    }
    const root = await rootFromPath(proof.leaf_index, proof.tree_size, leaf, proof.audit_path.map(unhex));
    if (hex(root) !== cp.root_hash) {
      throw new Error(`root mismatch: the audit path leads to ${hex(root)}, the checkpoint signs ${cp.root_hash}`);
    }
    done.push(`jalur audit ke akar pohon ${cp.tree_size} peristiwa / audit path to root: ${cp.root_hash.slice(0, 16)}…`);
    const signed = await crypto.subtle.verify({ name: "Ed25519" }, await pinnedKey(), unbase64(cp.signature),
                                              utf8.encode(cp.signed_text));
    if (!signed) throw new Error("the checkpoint's signature does not verify under the pinned key");
    done.push(`tanda tangan checkpoint ${cp.issued_at} sah dengan kunci tersemat / signature valid (pinned key)`);
    done.push(...await cosigned(material.note, cp));
    return done;
  }

  async function witnessKey(vkey) {
    const first = vkey.indexOf("+"), second = vkey.indexOf("+", first + 1);  // base64 may hold "+" too
    const [name, id, b64] = [vkey.slice(0, first), vkey.slice(first + 1, second), vkey.slice(second + 1)];
    const raw = unbase64(b64 || "");
    if (!name || !/^[0-9a-f]{8}$/.test(id || "") || raw.length !== 33 || raw[0] !== 4) {
      throw new Error("not a cosignature/v1 witness key: " + vkey);
    }
    const kid = (await sha256(utf8.encode(name + "\n"), raw)).slice(0, 4);
    if (hex(kid) !== id) throw new Error(`witness key ${name}: its id is not ${id}`);
    const key = await crypto.subtle.importKey("raw", raw.slice(1), { name: "Ed25519" }, false, ["verify"]);
    return { name, kid, key };
  }

  async function cosigned(note, cp) {
    const pinned = (localStorage.getItem(WITNESSES) || "").split("\n").map((l) => l.trim()).filter(Boolean);
    if (!pinned.length) return ["saksi: tidak ada yang tersemat, tanda tangan saksi tidak diperiksa / no witness pinned"];
    if (!note) throw new Error("witness cosignatures: this checkpoint has no signed note");
    const split = note.lastIndexOf("\n\n");
    const text = note.slice(0, split + 1), lines = note.slice(split + 2).split("\n").filter(Boolean);
    const body = text.split("\n");
    const root = hex(unbase64(body[2] || ""));
    if (split < 0 || body[1] !== String(cp.tree_size) || root !== cp.root_hash) {
      throw new Error("witness cosignatures: the note does not name the checkpoint's tree");
    }
    const done = [];
    for (const vkey of pinned) {
      const w = await witnessKey(vkey);
      const sig = lines.map((l) => l.startsWith("\u2014 " + w.name + " ") ? unbase64(l.split(" ")[2]) : null)
        .find((b) => b && hex(b.slice(0, 4)) === hex(w.kid));
      if (!sig) throw new Error(`no cosignature from pinned witness ${w.name}`);
      if (sig.length !== 4 + 8 + 64) throw new Error(`the cosignature of ${w.name} is malformed`);
      const time = new DataView(sig.buffer, sig.byteOffset + 4, 8).getBigUint64(0);
      const message = utf8.encode(`cosignature/v1\ntime ${time}\n` + text);
      if (!await crypto.subtle.verify({ name: "Ed25519" }, w.key, sig.slice(12), message)) {
        throw new Error(`the cosignature of witness ${w.name} does not verify`);
      }
      done.push(`saksi ${w.name} menandatangani bersama pada ${new Date(Number(time) * 1000).toISOString()} / cosigned`);
    }
    return done;
  }

  function show(output, ok, lines) {
    output.replaceChildren(...lines.map((text) => Object.assign(document.createElement("span"), { textContent: text })));
    output.dataset.result = ok ? "ok" : "fail";
    output.className = "proof-result " + (ok ? "ok" : "fail");
  }

  async function onBadge(button) {
    const output = document.getElementById(button.getAttribute("aria-controls"));
    const position = Number(button.dataset.position);
    show(output, false, ["memeriksa… / checking…"]);
    output.dataset.result = "";
    try {
      const response = await fetch(`/console/bukti/${position}`, { credentials: "same-origin" });
      if (!response.ok) throw new Error(`the proof could not be fetched (HTTP ${response.status})`);
      const done = await check(position, button.dataset.eventId, await response.json());
      show(output, true, ["✔ TERBUKTI / PROVED", ...done]);
    } catch (error) {
      show(output, false, ["✘ GAGAL / FAILED: " + error.message]);
    }
  }

  async function onPin(form) {
    const field = form.querySelector("textarea");
    const output = form.querySelector("output");
    try {
      const body = field.value.replace(/-----(BEGIN|END) PUBLIC KEY-----/g, "").replace(/\s+/g, "");
      await crypto.subtle.importKey("spki", unbase64(body), { name: "Ed25519" }, false, ["verify"]);
      localStorage.setItem(PIN, field.value.trim());
      output.textContent = "Kunci tersemat / key pinned: " + hex(await sha256(unbase64(body))).slice(0, 16);
      output.dataset.result = "ok";
    } catch (error) {
      output.textContent = "✘ Bukan kunci publik Ed25519 (PEM) / not an Ed25519 public key: " + error.message;
      output.dataset.result = "fail";
    }
  }

  document.addEventListener("click", (event) => {
    const button = event.target.closest("button.proof");
    if (button) onBadge(button);
  });
  async function onWitnesses(form) {
    const field = form.querySelector("textarea");
    const output = form.querySelector("output");
    const keys = field.value.split("\n").map((l) => l.trim()).filter(Boolean);
    try {
      const names = [];
      for (const vkey of keys) names.push((await witnessKey(vkey)).name);
      localStorage.setItem(WITNESSES, keys.join("\n"));
      output.textContent = "Saksi tersemat / witnesses pinned: " + (names.join(", ") || "(tidak ada / none)");
      output.dataset.result = "ok";
    } catch (error) {
      output.textContent = "✘ " + error.message;
      output.dataset.result = "fail";
    }
  }

  document.addEventListener("submit", (event) => {
    if (event.target.id === "pin-form") { event.preventDefault(); onPin(event.target); }
    if (event.target.id === "witness-form") { event.preventDefault(); onWitnesses(event.target); }
  });
  const current = document.getElementById("pinned-now");
  if (current) current.textContent = localStorage.getItem(PIN) || "(belum ada / none yet)";
  const witnesses = document.getElementById("witnesses-now");
  if (witnesses) witnesses.textContent = localStorage.getItem(WITNESSES) || "(tidak ada saksi / no witnesses)";
})();
