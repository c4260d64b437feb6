"""Builds small tokenizer.json files with the Hugging Face `tokenizers` library and records
`encode(text).ids` for a varied corpus, for jclip-core's HfTokenizerParityTest.

Each tokenizer is trained on CORPUS with `tokenizers.trainers` and wired with the components
SigLIP (SentencePiece Unigram + Metaspace), bert-base-uncased (BertNormalizer + BertPreTokenizer
+ WordPiece), Llama-style byte-fallback BPE and RoBERTa-style byte-level BPE use, plus variants
covering the other normalizers, pre-tokenizers, split behaviours, added tokens, truncation and
padding. No network.

    /tmp/peers/venv/bin/python parity/make_hf_tokenizer_cases.py \
        jclip-core/src/test/resources/parity/hf-tokenizers
"""
import json
import random
import sys
from pathlib import Path

import tokenizers
from tokenizers import AddedToken, Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers

CORPUS = [
    "a photo of a cat", "a photo of a dog sitting on the grass", "the quick brown fox jumps over the lazy dog",
    "A DIAGRAM of the Eiffel Tower at night", "an oil painting of a café in Montréal", "naïve résumé façade coöperate",
    "Zürich, München und Köln sind Städte", "El niño comió una piña en la mañana", "São Paulo é uma cidade",
    "東京タワーの写真", "北京天安门广场的照片", "서울의 야경 사진", "Москва — столица России", "Αθήνα και Θεσσαλονίκη",
    "مرحبا بالعالم", "שלום עולם", "नमस्ते दुनिया", "the year 2024 had 366 days", "call 555-0123 now!!!",
    "emoji 😀 and 🐱 and 👍🏽 everywhere", "hello, world. how are you? fine; thanks: bye!", "it's don't won't they're",
    "tokenization of unbelievably long words like antidisestablishmentarianism", "dogs cats birds fish horses",
    "running jumping swimming flying reading writing", "photograph photography photographer photographic",
    "a red car, a blue car and a green car", "two people walking on the beach at sunset",
    "UPPER lower MiXeD case text", "snake_case and camelCase and kebab-case", "3.14159 and 2.71828 are numbers",
    "the cat sat on the mat", "a bowl of ramen with an egg", "mountains covered in snow under a blue sky",
]

TEXTS = [
    "", " ", "   ", "a", "a photo of a cat", "A Photo Of A Cat", "  leading and trailing spaces  ",
    "multiple    spaces\tand\ttabs\nand\nnewlines\r\n", "naïve café résumé", "Ångström Øresund Œuvre straße",
    "ﬁne ﬂour ＦＵＬＬＷＩＤＴＨ ①②③ ½ ㎏", "e\u0301 vs \u00e9 (combining acute)", "東京タワーの写真です", "北京天安门", "𠀀𠀁 rare CJK",
    "서울 야경", "Привет, мир!", "ΣΊΣΥΦΟΣ Σ ς", "İstanbul ǅ ß", "مرحبا", "😀😀😀 🐱 👍🏽 👨‍👩‍👧", "hello😀world",
    "control\x00chars\x01here\x7f and \u200b zero\u200dwidth \ufeff bom \ufffd",
    "nbsp\u00a0ideographic\u3000space\u2003em", "it's don't won't", "punctuation!!! ??? ... ,,, ;;;",
    "snake_case camelCase kebab-case", "numbers 12345 and 3.14 and ٣٤٥ and ½", "call 555-0123",
    "antidisestablishmentarianismantidisestablishmentarianism", "x" * 150, "ab" * 60 + " " + "cd" * 3,
    "a " * 80, "photograph photography photographer", "the quick brown fox jumps over the lazy dog " * 3,
    "\u2581already\u2581has\u2581metaspace", "email@example.com https://example.org/path?q=1#frag",
    "$100 €50 £30 ¥20", "<unk> is literal", "tabs\t\t\tonly", "\n\n", "mixed 中文 and English words",
    "Ünïcödé ÀÉÎÕÜ", "«guillemets» „quotes“ ‘single’", "math ∑∫√∞ ≠ ≤ ≥", "Ⅻ roman ⅻ", "a\u0300\u0301\u0302 stacked marks",
    "\U0001d400\U0001d401 math bold", "a photograph of a cat " * 90, "private \ue000 use", "tilde ~ caret ^ backtick `",
]


def random_texts(rng, n):
    pool = "abcdefghijklmnopqrstuvwxyz ABCXYZ  éüñçø 中文字日本 한국 😀🐱 .,!?-'_ 0123456789\t\n"
    words = [w for line in CORPUS for w in line.split()]
    out = []
    for i in range(n):
        if i % 2 == 0:
            out.append("".join(rng.choice(pool) for _ in range(rng.randint(1, 40))))
        else:
            out.append(" ".join(rng.choice(words) for _ in range(rng.randint(1, 12))))
    return out


def charsmap():
    """A SentencePiece precompiled charsmap (a darts-clone double array over UTF-8 keys, then the
    NUL-terminated replacements) in the style of nmt_nfkc: every character of the test texts, and of
    a few compatibility blocks, whose NFKC differs maps to it; a few multi-character keys and deletions."""
    import unicodedata
    chars = set("".join(TEXTS)) | {chr(c) for r in ((0xFB00, 0xFB07), (0xFF01, 0xFF5F), (0x2460, 0x2474), (0x3300, 0x3358))
                                    for c in range(*r)}
    mapping = {c: unicodedata.normalize("NFKC", c) for c in chars if unicodedata.normalize("NFKC", c) != c}
    mapping.update({"e\u0301": "\u00e9", "a\u0300\u0301": "[aa]", "\u200b": "", "\x7f": "", "\u3000": " ", "\ufb01x": "FIX"})
    values = bytearray()
    offsets = {}
    for key in sorted(mapping):
        offsets[key] = len(values)
        values += mapping[key].encode() + b"\0"
    # Trie over the UTF-8 keys; node = dict label -> child, with "leaf" holding the value offset.
    root = {}
    for key, off in offsets.items():
        node = root
        for b in key.encode():
            node = node.setdefault(b, {})
        node["leaf"] = off
    units = {0: 0}
    used_bases = set()

    def place(node, pos):
        labels = sorted(k for k in node if k != "leaf")
        slots = labels + ([0] if "leaf" in node else [])
        if not slots:
            return
        base = 1
        while base in used_bases or any((base ^ c) in units or (base ^ c) == 0 for c in slots):
            base += 1
        used_bases.add(base)
        offset = pos ^ base
        assert offset < (1 << 21)
        units[pos] |= (offset << 10) | ((1 << 8) if "leaf" in node else 0)
        if "leaf" in node:
            units[base] = node["leaf"] | (1 << 31)
        for c in labels:
            units[base ^ c] = c
        for c in labels:
            place(node[c], base ^ c)

    place(root, 0)
    size = max(units) + 1
    array = b"".join(units.get(i, 0).to_bytes(4, "little") for i in range(size))
    return (len(array)).to_bytes(4, "little") + array + bytes(values)


def byte_tokens():
    return [f"<0x{b:02X}>" for b in range(256)]


def with_byte_fallback(tok, unigram):
    """Adds <0xXX> tokens to a trained model's vocabulary and turns byte_fallback on."""
    data = json.loads(tok.to_str())
    model = data["model"]
    if unigram:
        have = {p for p, _ in model["vocab"]}
        low = min(s for _, s in model["vocab"])
        model["vocab"] += [[b, low - 1.0] for b in byte_tokens() if b not in have]
    else:
        vocab = model["vocab"]
        for b in byte_tokens():
            vocab.setdefault(b, len(vocab))
    model["byte_fallback"] = True
    return Tokenizer.from_str(json.dumps(data))


def wordpiece(normalizer, pre_tokenizer, vocab_size=400, **kwargs):
    tok = Tokenizer(models.WordPiece(unk_token="[UNK]", **kwargs))
    tok.normalizer = normalizer
    tok.pre_tokenizer = pre_tokenizer
    tok.train_from_iterator(CORPUS, trainers.WordPieceTrainer(
        vocab_size=vocab_size, special_tokens=["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"], show_progress=False))
    return tok


def unigram(normalizer, pre_tokenizer, vocab_size=300):
    tok = Tokenizer(models.Unigram())
    tok.normalizer = normalizer
    tok.pre_tokenizer = pre_tokenizer
    tok.train_from_iterator(CORPUS, trainers.UnigramTrainer(
        vocab_size=vocab_size, special_tokens=["<pad>", "</s>", "<unk>"], unk_token="<unk>", show_progress=False))
    return tok


def bpe(normalizer, pre_tokenizer, vocab_size=400, alphabet=(), **kwargs):
    tok = Tokenizer(models.BPE(unk_token="<unk>", **kwargs))
    tok.normalizer = normalizer
    tok.pre_tokenizer = pre_tokenizer
    trainer_args = {k: v for k, v in kwargs.items() if k in ("continuing_subword_prefix", "end_of_word_suffix")}
    tok.train_from_iterator(CORPUS, trainers.BpeTrainer(
        vocab_size=vocab_size, special_tokens=["<unk>", "<s>", "</s>", "<pad>"], initial_alphabet=list(alphabet),
        show_progress=False, **trainer_args))
    return tok


def build():
    N, P = normalizers, pre_tokenizers
    out = {}

    # bert-base-uncased (CLIPA): BertNormalizer + BertPreTokenizer + WordPiece + [CLS] $A [SEP], truncation 32.
    t = wordpiece(N.BertNormalizer(lowercase=True), P.BertPreTokenizer())
    t.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", pair="[CLS] $A [SEP] $B:1 [SEP]:1",
        special_tokens=[("[CLS]", t.token_to_id("[CLS]")), ("[SEP]", t.token_to_id("[SEP]"))])
    t.enable_truncation(32)
    out["bert-uncased"] = t

    # Cased BERT with accents stripped, BertProcessing, short max word, fixed padding.
    t = wordpiece(N.BertNormalizer(lowercase=False, strip_accents=True, handle_chinese_chars=False),
                  P.Sequence([P.WhitespaceSplit(), P.Punctuation("contiguous")]), max_input_chars_per_word=12)
    t.post_processor = processors.BertProcessing(("[SEP]", t.token_to_id("[SEP]")), ("[CLS]", t.token_to_id("[CLS]")))
    t.enable_truncation(24)
    t.enable_padding(length=24, pad_id=t.token_to_id("[PAD]"), pad_token="[PAD]")
    out["bert-cased-padded"] = t

    # SigLIP-like SentencePiece Unigram: Nmt, NFKC, collapse spaces, lower-case, Metaspace, "$A </s>", pad to 64.
    t = unigram(N.Sequence([N.Nmt(), N.NFKC(), N.Replace(Regex(" {2,}"), " "), N.Lowercase()]),
                P.Metaspace(replacement="\u2581", prepend_scheme="always", split=True))
    t.post_processor = processors.TemplateProcessing(single="$A </s>", special_tokens=[("</s>", t.token_to_id("</s>"))])
    t.enable_truncation(64)
    t.enable_padding(length=64, pad_id=t.token_to_id("<pad>"), pad_token="<pad>")
    out["siglip-unigram"] = t

    # Unigram with byte fallback (Gemma / SigLIP 2 style), Metaspace first without split, added tokens.
    t = unigram(N.Sequence([N.NFD(), N.StripAccents(), N.Strip(), N.Replace(" ", "\u2581"), N.Prepend("\u2581")]), None)
    t = with_byte_fallback(t, unigram=True)
    t.add_special_tokens([AddedToken("<mask>", normalized=False, special=True)])
    t.add_tokens([AddedToken("[X]", lstrip=True, rstrip=True, normalized=True), AddedToken("photo", single_word=True, normalized=False)])
    out["unigram-byte-fallback"] = t

    # Unigram with Metaspace prepend_scheme "first" (only the text start gets the marker), XLM-V/mT5 style.
    t = unigram(N.Sequence([N.NFKD(), N.Lowercase()]), P.Metaspace(replacement="\u2581", prepend_scheme="first", split=True))
    t.add_special_tokens([AddedToken("<sep>", normalized=False, special=True)])
    t.post_processor = processors.TemplateProcessing(single="$A </s>", special_tokens=[("</s>", t.token_to_id("</s>"))])
    t.enable_truncation(48, direction="left")
    out["unigram-first"] = t

    # Llama-style byte-fallback BPE: Prepend + Replace normalizers, no pre-tokenizer, "<s> $A", left truncation.
    t = bpe(N.Sequence([N.Prepend("\u2581"), N.Replace(" ", "\u2581")]), None, fuse_unk=True)
    t = with_byte_fallback(t, unigram=False)
    t.post_processor = processors.TemplateProcessing(single="<s> $A", special_tokens=[("<s>", t.token_to_id("<s>"))])
    t.enable_truncation(40, direction="left")
    out["bpe-byte-fallback"] = t

    # RoBERTa-style byte-level BPE.
    t = bpe(N.NFC(), P.ByteLevel(add_prefix_space=True), alphabet=P.ByteLevel.alphabet())
    t.post_processor = processors.Sequence([
        processors.RobertaProcessing(("</s>", t.token_to_id("</s>")), ("<s>", t.token_to_id("<s>"))),
        processors.ByteLevel(trim_offsets=True)])
    t.enable_padding(pad_id=t.token_to_id("<pad>"), pad_token="<pad>", pad_to_multiple_of=8)
    out["bpe-byte-level"] = t

    # SentencePiece's own normalization as a Precompiled charsmap (T5 / XLM-R / SigLIP style), then Unigram.
    t = unigram(N.Sequence([N.Precompiled(charsmap()), N.Replace(Regex(" {2,}"), " ")]),
                P.Metaspace(replacement="\u2581", prepend_scheme="always", split=True))
    t.post_processor = processors.TemplateProcessing(single="$A </s>", special_tokens=[("</s>", t.token_to_id("</s>"))])
    out["unigram-precompiled"] = t

    # A hand-made Unigram vocabulary where the unknown token's score decides ("bc": the piece at -17 beats an
    # unknown "b" scored 10 below the minimum, -20, plus "c"), runs of unknowns fuse, and equal scores keep the
    # first segmentation found ("de" against "d" + "e").
    t = Tokenizer(models.Unigram([("<unk>", 0.0), ("q", -10.0), ("c", -1.0), ("bc", -17.0), ("d", -2.0), ("de", -3.0),
                                  ("e", -1.0), ("a", -1.5), ("ab", -12.0), ("\u00e9", -4.0), ("xyz", -8.0)], 0, False))
    t.pre_tokenizer = P.WhitespaceSplit()
    out["unigram-hand-made"] = t

    # BPE without byte fallback over a small alphabet, so unknown characters occur and fuse.
    t = Tokenizer(models.BPE(unk_token="<unk>", fuse_unk=True))
    t.pre_tokenizer = P.Whitespace()
    t.train_from_iterator(CORPUS, trainers.BpeTrainer(vocab_size=200, special_tokens=["<unk>"], limit_alphabet=30,
                                                      show_progress=False))
    out["bpe-fuse-unk"] = t

    # CLIP's own tokenizer.json layout (transformers' CLIPConverter): NFC, whitespace runs to one space,
    # lower-case, CLIP's regex kept (inverted Split), byte-level without a prefix space, "</w>" word ends.
    t = bpe(N.Sequence([N.NFC(), N.Replace(Regex(r"\s+"), " "), N.Lowercase()]), P.Sequence([
        P.Split(Regex(r"<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+"),
                "removed", invert=True),
        P.ByteLevel(add_prefix_space=False)]), alphabet=P.ByteLevel.alphabet(), continuing_subword_prefix="",
        end_of_word_suffix="</w>")
    t.post_processor = processors.RobertaProcessing(("</s>", t.token_to_id("</s>")), ("<s>", t.token_to_id("<s>")),
                                                    add_prefix_space=False, trim_offsets=False)
    out["bpe-clip-style"] = t

    # Llama 3 style: a Split regex, then byte-level without its own regex, and merges ignored for whole-word tokens.
    t = bpe(None, P.Sequence([
        P.Split(Regex(r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"),
                "isolated"),
        P.ByteLevel(add_prefix_space=False, use_regex=False)]), alphabet=P.ByteLevel.alphabet(), ignore_merges=True)
    out["bpe-ignore-merges"] = t

    # BPE with continuing-subword prefix and end-of-word suffix, Whitespace + Digits + Split.
    t = bpe(N.Sequence([N.NFKC(), N.Lowercase(), N.Replace(Regex("[0-9]+\\.[0-9]+"), "<num>")]),
            P.Sequence([P.Whitespace(), P.Digits(individual_digits=True), P.Split(Regex("[aeiou]"), "merged_with_previous")]),
            continuing_subword_prefix="##", end_of_word_suffix="</w>")
    t.enable_padding(direction="left", pad_id=3, pad_token="<pad>", length=20)
    t.enable_truncation(20)
    out["bpe-suffix"] = t

    # WordPiece behind every Split behaviour, invert, string patterns, contiguous digits, removed punctuation.
    t = wordpiece(N.Sequence([N.Strip(left=True, right=False), N.Lowercase()]), P.Sequence([
        P.Split(" ", "removed"),
        P.Split(Regex("[-_]"), "isolated"),
        P.Split(Regex("s"), "merged_with_next"),
        P.Split(Regex("[^a-z]+"), "contiguous", invert=True),
        P.Punctuation("removed"),
        P.Digits(individual_digits=False),
    ]))
    t.add_special_tokens([AddedToken("[MASK]", lstrip=True, normalized=False, special=True)])
    out["wordpiece-splits"] = t
    return out


def main():
    dest = Path(sys.argv[1])
    texts = TEXTS + random_texts(random.Random(17), 40)
    extra = {
        "unigram-byte-fallback": ["a <mask> b", "<mask><mask>", "x [X] y", "  [X]  z", "photo photos aphoto photo!"],
        "unigram-first": ["<sep> a photo", "a photo<sep>of a cat", "<sep>"],
        "bert-uncased": ["[CLS] a [SEP]", "a [MASK] photo"],
        "unigram-hand-made": ["bc", "abc", "bcbc", "de", "dede", "xyz", "xxyz", "bbb cbb", "é e\u0301", "qbq", "ab abc"],
        "wordpiece-splits": ["a   [MASK] photo", "[MASK]"],
        "unigram-precompiled": ["a\u0300\u0301 b", "\ufb01\u0301 grapheme", "\ufb01\u20d0 six bytes", "\u00e9\u0301\u0301 six", "\ufb01x", "e\u0301e\u0301", "\u3000\u3000x"],
    }
    for name, tok in build().items():
        d = dest / name
        d.mkdir(parents=True, exist_ok=True)
        tok.save(str(d / "tokenizer.json"))
        reloaded = Tokenizer.from_file(str(d / "tokenizer.json"))
        with open(d / "cases.jsonl", "w", encoding="utf-8") as f:
            for text in texts + extra.get(name, []):
                enc = reloaded.encode(text)
                f.write(json.dumps({"text": text, "ids": enc.ids}, ensure_ascii=True) + "\n")
    # Truncation and padding overridden as an API caller would: truncate to 12, pad to 16 with the pad id.
    for name, pad in (("siglip-unigram", "<pad>"), ("bert-uncased", "[PAD]")):
        tok = Tokenizer.from_file(str(dest / name / "tokenizer.json"))
        tok.enable_truncation(12)
        tok.enable_padding(length=16, pad_id=tok.token_to_id(pad), pad_token=pad)
        with open(dest / name / "overrides.jsonl", "w", encoding="utf-8") as f:
            for text in texts[:30]:
                f.write(json.dumps({"max_length": 12, "pad_length": 16, "pad_id": tok.token_to_id(pad), "text": text,
                                    "ids": tok.encode(text).ids}, ensure_ascii=True) + "\n")
    print("tokenizers", tokenizers.__version__)


if __name__ == "__main__":
    main()
