// Checks a receipt code against the petition's public Merkle log, in this
// browser, so the answer does not rest on the server's word: the
// commitment, the leaf, the inclusion path (RFC 9162) and the Ed25519
// signature on the tree head are all recomputed here with WebCrypto.
//
// Without JavaScript, or outside a secure context (no crypto.subtle), the
// form simply submits and the server does the check instead.
(function () {
  "use strict";

  var ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  var HEX64 = /^[0-9a-f]{64}$/;
  var utf8 = new TextEncoder();

  // A failure of the evidence itself, as opposed to a network error.
  function Mismatch(reason) {
    this.reason = reason;
  }
  function mismatch(reason) {
    throw new Mismatch(reason);
  }

  // Drops spaces and dashes (and pasted newlines); null unless 32 base32 chars.
  function parseCode(typed) {
    var code = String(typed).replace(/[\s-]+/g, "").toUpperCase();
    return /^[A-Z2-7]{32}$/.test(code) ? code : null;
  }

  // RFC 4648 base32 without padding; 32 chars give exactly 20 bytes.
  function base32Decode(code) {
    var out = [];
    var bits = 0;
    var value = 0;
    for (var i = 0; i < code.length; i++) {
      value = (value << 5) | ALPHABET.indexOf(code.charAt(i));
      bits += 5;
      if (bits >= 8) {
        bits -= 8;
        out.push((value >> bits) & 0xff);
        value &= (1 << bits) - 1; // keep only the unread bits, so no overflow
      }
    }
    return new Uint8Array(out);
  }

  function hexToBytes(hex) {
    var out = new Uint8Array(hex.length / 2);
    for (var i = 0; i < out.length; i++) out[i] = parseInt(hex.substr(i * 2, 2), 16);
    return out;
  }

  function bytesToHex(bytes) {
    var s = "";
    for (var i = 0; i < bytes.length; i++) s += (bytes[i] < 16 ? "0" : "") + bytes[i].toString(16);
    return s;
  }

  function base64ToBytes(b64) {
    var bin;
    try {
      bin = atob(String(b64));
    } catch (e) {
      return null;
    }
    var out = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  }

  // Strings are taken as UTF-8, numbers as single bytes.
  function concat(parts) {
    var arrays = parts.map(function (p) {
      if (typeof p === "string") return utf8.encode(p);
      if (typeof p === "number") return new Uint8Array([p]);
      return p;
    });
    var total = arrays.reduce(function (n, a) { return n + a.length; }, 0);
    var out = new Uint8Array(total);
    var at = 0;
    arrays.forEach(function (a) { out.set(a, at); at += a.length; });
    return out;
  }

  function sha256(parts) {
    return crypto.subtle.digest("SHA-256", concat(parts)).then(function (buf) {
      return new Uint8Array(buf);
    });
  }

  function commitmentFor(secret) {
    return sha256(["undersigned-receipt-v1", 0x00, secret]).then(bytesToHex);
  }

  function leafText(slug, index, kind, revokes, day, commitment) {
    return ["undersigned-leaf-v1", slug, index, kind, revokes === null ? "-" : revokes, day, commitment].join(" ");
  }

  function leafHash(text) {
    return sha256([0x00, text]).then(bytesToHex);
  }

  function headMessage(h) {
    return ["undersigned-tree-head-v1", h.petition, h.tree_size, h.root_hash, h.adds, h.revokes, h.timestamp].join("\n");
  }

  function isIndex(n) {
    return typeof n === "number" && n >= 0 && n % 1 === 0 && n <= 9007199254740991;
  }

  // RFC 9162 §2.1.3.2, step by step. Indices may exceed 2^31, so halving is
  // done with arithmetic rather than bit shifts. Resolves to true or false.
  function verifyInclusion(index, treeSize, leafHex, pathHex, rootHex) {
    if (!isIndex(index) || !isIndex(treeSize) || index >= treeSize) return Promise.resolve(false);
    if (!pathHex.every(function (p) { return HEX64.test(p); })) return Promise.resolve(false);
    var fn = index;
    var sn = treeSize - 1;
    var failed = false;
    var r = Promise.resolve(hexToBytes(leafHex));
    pathHex.forEach(function (pHex) {
      r = r.then(function (acc) {
        if (failed || sn === 0) {
          failed = true;
          return acc;
        }
        var p = hexToBytes(pHex);
        var next;
        if (fn % 2 === 1 || fn === sn) {
          next = sha256([0x01, p, acc]);
          // fn === sn on a left child: skip the levels where it has no sibling.
          while (fn % 2 === 0 && fn !== 0) {
            fn = Math.floor(fn / 2);
            sn = Math.floor(sn / 2);
          }
        } else {
          next = sha256([0x01, acc, p]);
        }
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
        return next;
      });
    });
    return r.then(function (acc) {
      return !failed && sn === 0 && bytesToHex(acc) === rootHex;
    });
  }

  // Resolves to true, false, or null when this browser has no Ed25519.
  function verifyHead(head, keyB64, sigB64) {
    var key = base64ToBytes(keyB64);
    var sig = base64ToBytes(sigB64);
    if (!key || key.length !== 32) mismatch("log key is not a 32-byte Ed25519 key");
    if (!sig || sig.length !== 64) mismatch("head signature is not 64 bytes");
    var alg = { name: "Ed25519" };
    // Wrapped so that an old browser throwing synchronously is handled too.
    return Promise.resolve().then(function () {
      return crypto.subtle.importKey("raw", key, alg, false, ["verify"]);
    }).then(function (k) {
      return crypto.subtle.verify(alg, k, sig, utf8.encode(headMessage(head)));
    }).then(function (ok) {
      return ok === true;
    }, function (e) {
      // A malformed key is the server's fault; anything else (NotSupportedError,
      // "Unrecognized algorithm") means this browser cannot check Ed25519.
      if (e && e.name === "DataError") mismatch("log key rejected: " + e.message);
      return null;
    });
  }

  if (typeof module !== "undefined" && module.exports) {
    module.exports = {
      parseCode: parseCode, base32Decode: base32Decode, hexToBytes: hexToBytes,
      bytesToHex: bytesToHex, base64ToBytes: base64ToBytes, concat: concat, sha256: sha256,
      commitmentFor: commitmentFor, leafText: leafText, leafHash: leafHash,
      headMessage: headMessage, verifyInclusion: verifyInclusion, verifyHead: verifyHead,
      Mismatch: Mismatch
    };
  }
  if (typeof document === "undefined") return;

  var form = document.getElementById("verify-form");
  var result = document.getElementById("verify-result");
  if (!form || !result) return;
  var slug = form.getAttribute("data-slug") || "";
  var base = "/petitions/" + encodeURIComponent(slug) + "/log/";
  var button = form.querySelector("button[type=submit], button:not([type])");
  var input = form.querySelector("#receipt");

  // The page's own words, with {placeholders} filled in everywhere they occur.
  function msg(name, values) {
    var text = form.getAttribute("data-msg-" + name) || "";
    Object.keys(values || {}).forEach(function (k) {
      text = text.split("{" + k + "}").join(String(values[k]));
    });
    return text;
  }

  function render(cls, lines, detail) {
    result.textContent = "";
    result.className = cls;
    lines.forEach(function (line) {
      if (!line) return;
      var p = document.createElement("p");
      p.textContent = line;
      result.appendChild(p);
    });
    if (detail) {
      var small = document.createElement("small");
      small.textContent = detail;
      var wrap = document.createElement("p");
      wrap.appendChild(small);
      result.appendChild(wrap);
    }
  }

  // Resolves to {status, body}; body is null when the answer is not JSON.
  function getJSON(url) {
    return fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin", cache: "no-store" })
      .then(function (res) {
        return res.json().then(function (body) {
          return { status: res.status, body: body };
        }, function () {
          return { status: res.status, body: null };
        });
      });
  }

  function ok(answer, what) {
    if (answer.status < 200 || answer.status > 299 || !answer.body) throw new Error(what + ": HTTP " + answer.status);
    return answer.body;
  }

  function fetchLeaf(index) {
    return getJSON(base + "leaves?start=" + index + "&end=" + (index + 1)).then(function (a) {
      var data = ok(a, "leaves").data;
      var leaf = data && data[0];
      if (!leaf || leaf.index !== index) mismatch("the log did not return leaf " + index);
      return leaf;
    });
  }

  // Recomputes the leaf's hash from its fields; the fields must say what we expect.
  function checkLeaf(leaf, kind, revokes, commitment) {
    if (leaf.kind !== kind) mismatch("leaf " + leaf.index + " is not of kind " + kind);
    if ((leaf.revokes === undefined ? null : leaf.revokes) !== revokes) mismatch("leaf " + leaf.index + " revokes the wrong leaf");
    if (leaf.commitment !== commitment) mismatch("leaf " + leaf.index + " carries another commitment");
    return leafHash(leafText(slug, leaf.index, kind, revokes, leaf.day, commitment)).then(function (h) {
      if (h !== leaf.leaf_hash) mismatch("leaf " + leaf.index + " does not hash to its leaf_hash");
      return h;
    });
  }

  // One pass of the whole check; retried once when a new head was signed
  // between the proof and the head, so both describe the same tree.
  function check(code, commitment, retries) {
    var proof;
    var head;
    var signed;
    return getJSON(base + "proof?receipt=" + code).then(function (a) {
      if (a.status === 404) return { outcome: a.body && a.body.pending === true ? "pending" : "not-found" };
      proof = ok(a, "proof");
      if (!isIndex(proof.index) || !HEX64.test(String(proof.root_hash))) mismatch("malformed proof");
      if (!Array.isArray(proof.path)) mismatch("proof has no path");
      return fetchLeaf(proof.index).then(function (leaf) {
        return checkLeaf(leaf, "add", null, commitment);
      }).then(function (h) {
        if (h !== proof.leaf_hash) mismatch("proof is for another leaf");
        return verifyInclusion(proof.index, proof.tree_size, h, proof.path, proof.root_hash);
      }).then(function (included) {
        if (!included) mismatch("inclusion path does not lead to the root hash");
        return Promise.all([getJSON(base + "head"), getJSON("/log/key")]);
      }).then(function (answers) {
        head = ok(answers[0], "head");
        var key = ok(answers[1], "key");
        if (head.tree_size !== proof.tree_size && retries > 0) return { retry: true };
        if (head.petition !== slug) mismatch("head is for another petition");
        if (head.tree_size !== proof.tree_size || head.root_hash !== proof.root_hash) mismatch("signed head differs from the proof's tree");
        if (key.algorithm !== "ed25519") mismatch("log key is not ed25519");
        return verifyHead(head, key.public_key, head.signature).then(function (verdict) {
          if (verdict === false) mismatch("tree head signature is invalid");
          signed = verdict;
          if (proof.revoked_by === null || proof.revoked_by === undefined) return { outcome: "counted" };
          if (!isIndex(proof.revoked_by) || proof.revoked_by <= proof.index) mismatch("malformed revoked_by");
          return fetchLeaf(proof.revoked_by).then(function (leaf) {
            return checkLeaf(leaf, "revoke", proof.index, commitment);
          }).then(function () {
            return { outcome: "withdrawn" };
          });
        });
      });
    }).then(function (r) {
      if (r.retry) return check(code, commitment, retries - 1);
      r.values = proof ? {
        index: proof.index, tree_size: proof.tree_size,
        timestamp: head ? head.timestamp : "", revoked_by: proof.revoked_by === null ? "" : proof.revoked_by
      } : {};
      r.signed = signed;
      return r;
    });
  }

  var CLASSES = { counted: "verify-ok", withdrawn: "verify-warn", pending: "verify-warn", "not-found": "verify-bad" };

  form.addEventListener("submit", function (event) {
    // Outside a secure context there is no WebCrypto: let the server check.
    if (!window.crypto || !crypto.subtle || !window.fetch || !window.Promise) return;
    event.preventDefault();
    if (button && button.disabled) return;
    var code = parseCode(input ? input.value : "");
    if (!code) {
      render("verify-warn", [msg("invalid-code")]);
      return;
    }
    if (button) button.disabled = true;
    result.setAttribute("aria-busy", "true");
    render("", [msg("checking")]);
    commitmentFor(base32Decode(code)).then(function (commitment) {
      return check(code, commitment, 1);
    }).then(function (r) {
      var lines = [msg(r.outcome, r.values)];
      if (r.outcome === "counted" || r.outcome === "withdrawn") {
        if (r.signed === null) lines.push(msg("no-signature-check"));
        lines.push(msg("checked-here"));
      }
      render(CLASSES[r.outcome], lines);
    }, function (e) {
      if (e instanceof Mismatch) render("verify-bad", [msg("mismatch")], e.reason);
      else render("verify-warn", [msg("error")], e && e.message ? e.message : null);
    }).then(function () {
      if (button) button.disabled = false;
      result.removeAttribute("aria-busy");
    });
  });
})();
