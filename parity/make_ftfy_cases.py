"""Writes jclip-core/src/test/resources/parity/ftfy/{cases,is_bad}.jsonl: ftfy and open_clip on many texts.

Run from the project root:

    /tmp/peers/venv/bin/python parity/make_ftfy_cases.py

In both files the first line holds the versions and the case count, each further line one case.
cases.jsonl:
  name      what the case is (source sentence and how it was broken),
  text      the input,
  ftfy      ftfy.fix_text(text), default settings,
  encoding  ftfy.fix_encoding(text) (the mojibake repair alone),
  bad       ftfy.badness.is_bad(text),
  clean     open_clip's SimpleTokenizer cleaning, whitespace_clean(basic_clean(text)).lower(),
  ids       SimpleTokenizer()(text, context_length=77), trailing zero padding left off.
is_bad.jsonl: short random strings over the characters ftfy's heuristic looks at (text, bad).

Inputs: captions in many languages, intact and made into mojibake (UTF-8 bytes decoded with
another encoding, as strict decoders with errors="replace" and as ftfy's sloppy ones), twice-broken,
half-broken, with the no-break spaces turned into spaces or the lost bytes into '?', and hand-picked
texts for ftfy's other fixes and for text it must leave alone, and seeded random byte soups (UTF-8,
CESU-8, C0 80, stray bytes) read with each of the encodings ftfy tries.
"""

import json
import random
import re
import sys
from pathlib import Path

import ftfy
import ftfy.bad_codecs  # noqa: F401  registers the sloppy codecs
import open_clip
from ftfy.badness import MOJIBAKE_CATEGORIES, is_bad
from ftfy.chardata import CHARMAP_ENCODINGS
from open_clip.tokenizer import SimpleTokenizer

OUT_DIR = Path(__file__).resolve().parent.parent / "jclip-core/src/test/resources/parity/ftfy"

SENTENCES = {
    "en": "a café on the corner serving crème brûlée, a piñata and jalapeños",
    "en-quotes": "The naïve résumé said “it’s fine” — really… ok",
    "fr": "Une île déserte à l’été, où l’on mange des crêpes près de la forêt",
    "fr-voila": "voilà le travail à faire, déjà fait à moitié",
    "de": "Größe der Straße über dem Fluß, schöne grüne Bäume",
    "es": "El niño pequeño está en el baño, ¿qué pasó? ¡Olé!",
    "pt": "A menina está na praça às três horas, não é? Ação e emoção",
    "pt-aquela": "Ele foi àquela festa com a irmã e às vezes à praia",
    "ca": "És fàcil i ràpid, però la mà és freda",
    "pl": "Zażółć gęślą jaźń na łące w Łodzi",
    "cs": "Příliš žluťoučký kůň úpěl ďábelské ódy",
    "hu": "Árvíztűrő tükörfúrógép",
    "ro": "Știința și țara își văd de drum",
    "sv": "Åsa åt ärtsoppa på ön i Malmö",
    "is": "Þórður og Ævar fóru út í bæ",
    "lt": "Ąžuolas ir ėglė, Čiurlionis ir Šiauliai",
    "tr": "Şırnak’ta güzel bir gün, çiçekler açıyor ve kuşlar ötüyor",
    "ru": "Съешь же ещё этих мягких французских булок, да выпей чаю",
    "ru-cat": "Кошка сидит на окне и смотрит на улицу",
    "uk": "Ґанок і їжак біля ґрунтової дороги",
    "el": "Η γάτα κάθεται στο παράθυρο και κοιτάζει έξω",
    "vi": "Tiếng Việt có dấu rất đẹp và phức tạp",
    "ja": "猫が窓のそばに座っている写真",
    "zh": "一只猫坐在窗户旁边的照片",
    "ko": "고양이가 창문 옆에 앉아 있는 사진",
    "ar": "قطة تجلس بجانب النافذة",
    "he": "חתול יושב ליד החלון",
    "hi": "बिल्ली खिड़की के पास बैठी है",
    "th": "แมวนั่งอยู่ข้างหน้าต่าง",
    "emoji": "I love pizza 🍕 and cats 🐱 so much 😍",
    "emoji-zwj": "family 👨‍👩‍👧 and the rainbow flag 🏳️‍🌈 👍🏽",
    "symbols": "Price: 5 € or £4 or ¥300, 45 °C ±2, 2×3, ½ cup, © 2024™",
    "math": "∀x ∈ ℝ: x² ≥ 0, ∑ ≤ ∞, √2 ≈ 1.414",
    "nbsp": "10\u00a0km away, about 5\u00a0min by car",
    "dashes": "Wait… what — really? – yes • done",
    "caps": "ÀÉÎÕÜ GRÖSSE ÉTÉ ÇA",
}

# Encodings UTF-8 gets wrongly decoded with: Python's strict decoders (holes become U+FFFD) and ftfy's sloppy ones.
CODECS = [
    "latin-1", "windows-1252", "sloppy-windows-1252", "windows-1251", "sloppy-windows-1251",
    "windows-1250", "sloppy-windows-1250", "iso-8859-2", "mac_roman", "cp437",
    "sloppy-windows-1253", "sloppy-windows-1254", "sloppy-windows-1257",
]

HANDPICKED = [
    # Classic mojibake and its look-alikes.
    ("cafe-latin1", "cafÃ©"),
    ("cafe-c0-final-newline", "cafÃ© À\n"),
    ("cesu8-final-newline", "í\u00a0\u0080í°\n"),
    ("cesu8-emoji", "í\u00a0½í¸\u0080 smile"),
    ("java-null", "a À\u0080 null"),
    ("a-tilde-alone", "Ã"),
    ("a-tilde-word", "Ã is a letter"),
    ("a-tilde-space", "Ã "),
    ("a-la-mode", "Ã la mode"),
    ("voila", "voilÃ le travail"),
    ("facil", "fÃ cil"),
    ("as-vezes", "Ã s vezes"),
    ("aquele", "Ã quele"),
    ("euro-quote", "The â€ symbol"),
    ("euro-quotes", "â€œquotedâ€\u009d"),
    ("euro-quotes-lossy", "â€œquotedâ€�"),
    ("euro-quotes-question", "â€œquotedâ€?"),
    ("apostrophe", "itâ€™s"),
    ("double", "cafÃƒÂ©"),
    ("double-ru", "ГўВЂВ™ text"),
    ("pound", "Â£10 and 10 Â°C"),
    ("pound-ok", "£10 and 10 °C"),
    ("emoji-cp1252", "ðŸ˜€ smile"),
    ("emoji-sloppy", "ðŸ‘\u008d thumbs"),
    ("emoji-lossy", "ðŸ‘� thumbs"),
    ("mixed", "cafÃ© and café"),
    ("mixed-lines", "cafÃ©\ncafé\nÃ la carte"),
    ("nbsp-around", "\u00a0cafÃ©\u00a0"),
    ("sub-byte", "cafÃ©\u001a"),
    ("c1", "\u0093hello\u0094"),
    ("c1-hole", "a\u0081b\u008dc"),
    ("c1-ellipsis", "wait\u0085"),
    ("c1-euro", "\u0080100"),
    ("c1-with-mojibake", "cafÃ© \u0093ok\u0094"),
    ("times-squared", "×² ×³"),
    ("macroman-sqrt", "√± and √∂"),
    ("cp1253", "β€™ test"),
    ("cp1257", "ā€ test"),
    ("degree", "ÃÂ°"),
    ("kaomoji", "(╯°□°)╯︵ ┻━┻"),
    ("kaomoji-2", "ಠ_ಠ ¯\\_(ツ)_/¯ Ôóô"),
    ("box", "│┌┐┘├┤ ▀▄█▌"),
    ("spanish-caps", "Señor Ñoño y ÑANDÚ"),
    ("german-and", "Müller & Söhne"),
    ("accents-run", "ÀÉÎÕÜ àéîõü"),
    ("o-e", "Œuvre œil œ"),
    ("currency-run", "¢£¥€ prices"),
    ("punct", "«quoted» ¡hola! ¿qué?"),
    ("arabic-mojibake", "Ø§Ù„Ø¹Ø±Ø¨ÙŠØ©"),
    ("hindi-mojibake", "à¤¬à¤¿à¤²à¥à¤²à¥€"),
    ("greek-mojibake-1253", "Ξ—ΞµΞ»Ξ»Ξ¬Ξ΄Ξ±"),
    ("cyr-mojibake-1251", "РљРѕС€РєР°"),
    # HTML entities (off from the first line with '<').
    ("entities", "caf&eacute; &amp;eacute; &lt;3"),
    ("entities-mojibake", "&Atilde;&copy; is Ã©"),
    ("entities-caps", "P&EACUTE;REZ and BUNDESSTRA&SZLIG;E"),
    ("entities-tag", "<b>cafÃ©</b> &amp; &eacute;"),
    ("entities-tag-later", "a &amp; b\n<i>x</i> &amp;\n&amp;"),
    ("entities-numeric", "&#233;t&#xE9; &#x1F600; &#128;"),
    # Other fixes.
    ("ligatures", "ﬁsh ﬂour ﬀ ﬃ ﬄ ﬅ ﬆ Ĳ ĳ ŉ ǆ"),
    ("fullwidth", "ＬＯＵＤ　ＮＯＩＳＥＳ！"),
    ("halfwidth", "ｶﾀｶﾅ ｱｲｳ"),
    ("curly", "“Smart” ‘quotes’ ‚low„ ‛rev‟ ʼn"),
    ("controls", "a\u0000b\u0007c\u000bd\u007fe\u206af\ufeffg\ufffch"),
    ("ansi", "\u001b[31mred\u001b[0m and \u001b[1;4mbold\u001b[m"),
    ("cr", "line1\rline2"),
    ("crlf", "line1\r\nline2\r\n"),
    ("separators", "a\u2028b\u2029c"),
    ("bom", "\ufeffBOM first"),
    ("tab-ff", "a\tb\u000cc"),
    ("surrogate-high", "\ud800x"),
    ("surrogate-low", "x\udfff"),
    ("surrogates-reversed", "\udc00\ud800"),
    ("combining", "cafe\u0301 n\u0303 a\u0308\u0301 \u212b"),
    ("zwj-emoji", "👩‍💻 👁️‍🗨️ 🧑🏿‍🦱"),
    ("zero-width", "a\u200bb\u200cc\u200dd\u200ee"),
    ("math-symbols", "∂f/∂x ∆ ∏ ∑ √ ∞ ∩ ∫ ≈ ≠ ≡ ≤ ≥ №"),
    ("numbers", "x² + y³ = z¹, ¼ ½ ¾, 5×5÷5, µm"),
    ("empty", ""),
    ("spaces", "   "),
    ("newlines", "\n\n"),
    ("whitespace-mix", " a\u00a0\u3000b\u2003c\u1680d "),
    ("long-mojibake", "Ã©" * 60),
    ("long-caption", ("a photo of a café in Paris with crème brûlée " * 8).strip()),
]


def break_utf8(text, codec):
    errors = "strict" if codec.startswith("sloppy") or codec in ("latin-1", "iso-8859-2", "mac_roman", "cp437") else "replace"
    return text.encode("utf-8").decode(codec, errors=errors)


def systematic():
    cases = []
    for key, sentence in SENTENCES.items():
        cases.append((f"{key}", sentence))
        for codec in CODECS:
            cases.append((f"{key}:{codec}", break_utf8(sentence, codec)))
        broken = break_utf8(sentence, "sloppy-windows-1252")
        cases.append((f"{key}:twice", break_utf8(broken, "sloppy-windows-1252")))
        half = len(sentence) // 2
        cases.append((f"{key}:half", break_utf8(sentence[:half], "sloppy-windows-1252") + sentence[half:]))
        if "\u00a0" in broken:
            cases.append((f"{key}:nbsp-lost", broken.replace("\u00a0", " ")))
        lossy = break_utf8(sentence, "windows-1252")
        if "\ufffd" in lossy:
            cases.append((f"{key}:question", lossy.replace("\ufffd", "?")))
        cases.append((f"{key}:caption", f"A photo: {broken}\nSecond line: {sentence}"))
    return cases


def cesu8(cp):
    """CESU-8 (Java's modified UTF-8): a supplementary character as its two surrogates, each in UTF-8 form."""
    if cp < 0x10000:
        return chr(cp).encode("utf-8")
    v = cp - 0x10000
    return "".join(map(chr, (0xD800 + (v >> 10), 0xDC00 + (v & 0x3FF)))).encode("utf-8", "surrogatepass")


def random_bytes(count, seed=2024):
    """Byte soups of UTF-8, CESU-8, Java's C0 80 and stray bytes, read with one of ftfy's encodings."""
    rng = random.Random(seed)
    ranges = [(0x20, 0x7E), (0xA0, 0x17F), (0x3B1, 0x3C9), (0x400, 0x45F), (0x2000, 0x2030),
              (0x4E00, 0x4E80), (0xAC00, 0xD7A3), (0x10000, 0x10100), (0x1F600, 0x1F64F)]
    strays = [0xC0, 0xED, 0x80, 0xA0, 0x1A, 0x3F, 0x20, 0x0A, 0xC3, 0xE2]
    cases = []
    while len(cases) < count:
        b = bytearray()
        for _ in range(rng.randint(1, 8)):
            cp = rng.randint(*rng.choice(ranges))
            r = rng.random()
            if r < 0.25 and cp >= 0x10000:
                b += cesu8(cp)
            elif r < 0.3:
                b.append(rng.choice(strays))
            elif r < 0.33:
                b += b"\xc0\x80"
            else:
                b += chr(cp).encode("utf-8")
        if rng.random() < 0.3:
            b += b"\n"
        if rng.random() < 0.2:
            b = b.replace(b"\xa0", b" ")
        codec = rng.choice(CHARMAP_ENCODINGS)
        text = bytes(b).decode(codec, errors="strict" if codec.startswith("sloppy") else "replace")
        if rng.random() < 0.2:
            text = text.replace("\ufffd", "?")
        if not re.search("[\ud800-\udfff]", text):
            cases.append((f"bytes-{len(cases)}:{codec}", text))
    return cases


def badness_cases(count, seed=7):
    """Short random strings over the characters ftfy's is_bad looks at, half of them flagged."""
    rng = random.Random(seed)
    alphabet = set("abzAZ .,?!_\n\t\u3000\u2003\x1c\u00a0\u0301中٣Ⅻ\U0001d400\U0001f600")
    for chars in MOJIBAKE_CATEGORIES.values():
        members = re.compile(f"[{chars}]")
        alphabet |= {chr(c) for c in range(0x10000) if members.fullmatch(chr(c))}
    # The characters BADNESS_RE names one by one.
    alphabet |= set("ŒœÂÃÎÐ€ŠšŸž®©°·»–—´×²³ØÙµà¹¼½¾√±∂†≠™≤≥¥ø≈¢‚ÄìîïòôúùûπâóäêвЂВГРСўβΆΒΓΞΟā¡")
    alphabet = sorted(alphabet)
    flagged, clean = [], []
    while len(flagged) < count // 2 or len(clean) < count // 2:
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 5)))
        (flagged if is_bad(text) else clean).append(text)
    return [{"text": t, "bad": True} for t in flagged[:count // 2]] + [{"text": t, "bad": False} for t in clean[:count // 2]]


def write_jsonl(path, lines):
    with path.open("w", encoding="utf-8", newline="\n") as f:
        for line in lines:
            encoded = json.dumps(line, ensure_ascii=False)
            # Lone surrogates cannot be written as UTF-8: escape them (JSON readers accept that).
            encoded = re.sub("[\ud800-\udfff]", lambda m: f"\\u{ord(m.group()):04x}", encoded)
            f.write(encoded + "\n")


def main():
    assert ftfy.__version__ == "6.3.1", ftfy.__version__
    tokenizer = SimpleTokenizer()
    cases = systematic() + HANDPICKED + random_bytes(150)
    names = [name for name, _ in cases]
    assert len(set(names)) == len(names), "duplicate case names"
    lines = [{"ftfy": ftfy.__version__, "open_clip": open_clip.__version__, "cases": len(cases)}]
    for name, text in cases:
        # Java cannot tell two surrogate code points from the character they encode.
        assert not re.search("[\ud800-\udbff][\udc00-\udfff]", text), name
        ids = tokenizer([text], context_length=77)[0].tolist()
        end = ids.index(tokenizer.eot_token_id, 1 if len(ids) > 1 else 0)
        lines.append({
            "name": name,
            "text": text,
            "ftfy": ftfy.fix_text(text),
            "encoding": ftfy.fix_encoding(text),
            "bad": is_bad(text),
            "clean": tokenizer.clean_fn(text),
            "ids": ids[:end + 1],
        })
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    write_jsonl(OUT_DIR / "cases.jsonl", lines)
    changed = sum(1 for line in lines[1:] if line["ftfy"] != line["text"])
    print(f"wrote {len(cases)} cases ({changed} changed by ftfy) to {OUT_DIR / 'cases.jsonl'}", file=sys.stderr)
    badness = badness_cases(2000)
    write_jsonl(OUT_DIR / "is_bad.jsonl", [{"ftfy": ftfy.__version__, "cases": len(badness)}] + badness)
    print(f"wrote {len(badness)} is_bad cases to {OUT_DIR / 'is_bad.jsonl'}", file=sys.stderr)


if __name__ == "__main__":
    main()
