package dev.jclip.text.hf;

import dev.jclip.io.Json;
import java.text.Normalizer.Form;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** Builds an {@link HfTokenizer} from tokenizer.json, refusing what it cannot reproduce exactly. */
final class TokenizerJson {
    private final String source;

    private TokenizerJson(String source) {
        this.source = source;
    }

    static HfTokenizer parse(String json, String source) {
        Map<String, Object> root;
        try {
            root = Json.parseObject(json);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
        }
        return new TokenizerJson(source).tokenizer(root);
    }

    private HfTokenizer tokenizer(Map<String, Object> root) {
        Map<String, Object> modelJson = object(root.get("model"), "model");
        if (modelJson == null) {
            throw error("model", "missing");
        }
        TokenModel model = model(modelJson);
        Normalizer normalizer = root.get("normalizer") == null ? t -> t : normalizer(object(root.get("normalizer"), "normalizer"), "normalizer");
        PreTokenizer preTokenizer = root.get("pre_tokenizer") == null
                ? (p, out) -> out.add(p) : preTokenizer(object(root.get("pre_tokenizer"), "pre_tokenizer"), "pre_tokenizer");
        PostProcessor post = root.get("post_processor") == null
                ? PostProcessor.NONE : postProcessor(object(root.get("post_processor"), "post_processor"), "post_processor");
        List<AddedToken> raw = new ArrayList<>();
        List<AddedToken> normalized = new ArrayList<>();
        List<Object> added = list(root.getOrDefault("added_tokens", List.of()), "added_tokens");
        for (int i = 0; i < added.size(); i++) {
            String where = "added_tokens[" + i + "]";
            Map<String, Object> t = object(added.get(i), where);
            AddedToken token = new AddedToken(integer(t, "id", where), string(t, "content", where),
                    bool(t, "single_word", false), bool(t, "lstrip", false), bool(t, "rstrip", false),
                    bool(t, "normalized", !bool(t, "special", false)));
            if (token.normalized() && root.get("normalizer") != null) {
                normalized.add(new AddedToken(token.id(), normalizer.normalize(token.content()), token.singleWord(),
                        token.lstrip(), token.rstrip(), true));
            } else {
                raw.add(token);
            }
        }
        return new HfTokenizer(new AddedTokenSplitter(raw), new AddedTokenSplitter(normalized), normalizer,
                preTokenizer, model, post, truncation(root.get("truncation")), padding(root.get("padding")));
    }

    private TokenModel model(Map<String, Object> m) {
        String type = string(m, "type", "model");
        switch (type) {
            case "WordPiece" -> {
                Map<String, Integer> vocab = vocabMap(m);
                String unk = string(m, "unk_token", "model");
                Integer unkId = vocab.get(unk);
                if (unkId == null) {
                    throw error("model.unk_token", "'" + unk + "' is not in the vocabulary");
                }
                String prefix = m.get("continuing_subword_prefix") == null ? "##" : string(m, "continuing_subword_prefix", "model");
                int maxChars = m.get("max_input_chars_per_word") == null ? 100 : integer(m, "max_input_chars_per_word", "model");
                return new WordPiece(vocab, unkId, prefix, maxChars);
            }
            case "BPE" -> {
                Map<String, Integer> vocab = vocabMap(m);
                int unkId = -1;
                if (m.get("unk_token") != null) {
                    String unk = string(m, "unk_token", "model");
                    Integer id = vocab.get(unk);
                    if (id == null) {
                        throw error("model.unk_token", "'" + unk + "' is not in the vocabulary");
                    }
                    unkId = id;
                }
                String prefix = m.get("continuing_subword_prefix") == null ? null : string(m, "continuing_subword_prefix", "model");
                String suffix = m.get("end_of_word_suffix") == null ? null : string(m, "end_of_word_suffix", "model");
                Map<Long, Bpe.Merge> merges = new HashMap<>();
                List<Object> list = list(m.getOrDefault("merges", List.of()), "model.merges");
                for (int i = 0; i < list.size(); i++) {
                    String where = "model.merges[" + i + "]";
                    String a;
                    String b;
                    if (list.get(i) instanceof String s) {
                        int space = s.indexOf(' ');
                        if (space < 0) {
                            throw error(where, "'" + s + "' is not two tokens separated by a space");
                        }
                        a = s.substring(0, space);
                        b = s.substring(space + 1);
                    } else {
                        List<Object> pair = list(list.get(i), where);
                        if (pair.size() != 2 || !(pair.get(0) instanceof String) || !(pair.get(1) instanceof String)) {
                            throw error(where, "expected two token strings");
                        }
                        a = (String) pair.get(0);
                        b = (String) pair.get(1);
                    }
                    int cut = prefix == null ? 0 : Math.min(prefix.length(), b.length());
                    Integer ia = vocab.get(a);
                    Integer ib = vocab.get(b);
                    Integer merged = vocab.get(a + b.substring(cut));
                    if (ia == null || ib == null || merged == null) {
                        throw error(where, "'" + a + "' + '" + b + "' names a token not in the vocabulary");
                    }
                    merges.putIfAbsent(Bpe.pair(ia, ib), new Bpe.Merge(i, merged));
                }
                return new Bpe(vocab, merges, unkId, prefix, suffix, bool(m, "fuse_unk", false),
                        bool(m, "byte_fallback", false), bool(m, "ignore_merges", false));
            }
            case "Unigram" -> {
                List<Object> vocab = list(m.get("vocab"), "model.vocab");
                List<String> pieces = new ArrayList<>(vocab.size());
                double[] scores = new double[vocab.size()];
                for (int i = 0; i < vocab.size(); i++) {
                    List<Object> entry = list(vocab.get(i), "model.vocab[" + i + "]");
                    if (entry.size() != 2 || !(entry.get(0) instanceof String p) || !(entry.get(1) instanceof Number s)) {
                        throw error("model.vocab[" + i + "]", "expected [piece, score]");
                    }
                    pieces.add(p);
                    scores[i] = s.doubleValue();
                }
                int unkId = m.get("unk_id") == null ? -1 : integer(m, "unk_id", "model");
                if (unkId >= vocab.size()) {
                    throw error("model.unk_id", unkId + " is outside the vocabulary of " + vocab.size());
                }
                return new Unigram(pieces, scores, unkId, bool(m, "byte_fallback", false));
            }
            default -> throw unsupported("model", "model", type);
        }
    }

    private Map<String, Integer> vocabMap(Map<String, Object> m) {
        Map<String, Object> v = object(m.get("vocab"), "model.vocab");
        if (v == null) {
            throw error("model.vocab", "missing");
        }
        Map<String, Integer> vocab = new HashMap<>(v.size() * 2);
        for (Map.Entry<String, Object> e : v.entrySet()) {
            if (!(e.getValue() instanceof Long id) || id < 0 || id > Integer.MAX_VALUE) {
                throw error("model.vocab['" + e.getKey() + "']", "expected a non-negative integer id");
            }
            vocab.put(e.getKey(), (int) (long) id);
        }
        return vocab;
    }

    private Normalizer normalizer(Map<String, Object> n, String where) {
        String type = string(n, "type", where);
        return switch (type) {
            case "Sequence" -> {
                List<Object> steps = list(n.get("normalizers"), where + ".normalizers");
                List<Normalizer> parts = new ArrayList<>();
                for (int i = 0; i < steps.size(); i++) {
                    String w = where + ".normalizers[" + i + "]";
                    parts.add(normalizer(object(steps.get(i), w), w));
                }
                yield Normalizers.sequence(parts);
            }
            case "NFC" -> Normalizers.unicode(Form.NFC);
            case "NFD" -> Normalizers.unicode(Form.NFD);
            case "NFKC" -> Normalizers.unicode(Form.NFKC);
            case "NFKD" -> Normalizers.unicode(Form.NFKD);
            case "Lowercase" -> Normalizers.lowercase();
            case "Strip" -> Normalizers.strip(bool(n, "strip_left", true), bool(n, "strip_right", true));
            case "StripAccents" -> Normalizers.stripAccents();
            case "Nmt" -> Normalizers.nmt();
            case "Precompiled" -> {
                String charsmap = string(n, "precompiled_charsmap", where);
                try {
                    yield new Precompiled(java.util.Base64.getDecoder().decode(charsmap));
                } catch (IllegalArgumentException e) {
                    throw error(where + ".precompiled_charsmap", e.getMessage());
                }
            }
            case "Replace" -> Normalizers.replace(pattern(n, where), string(n, "content", where));
            case "Prepend" -> Normalizers.prepend(string(n, "prepend", where));
            case "BertNormalizer" -> {
                boolean lowercase = bool(n, "lowercase", true);
                yield Normalizers.bert(bool(n, "clean_text", true), bool(n, "handle_chinese_chars", true),
                        bool(n, "strip_accents", lowercase), lowercase);
            }
            default -> throw unsupported(where, "normalizer", type);
        };
    }

    private PreTokenizer preTokenizer(Map<String, Object> p, String where) {
        String type = string(p, "type", where);
        return switch (type) {
            case "Sequence" -> {
                List<Object> steps = list(p.get("pretokenizers"), where + ".pretokenizers");
                List<PreTokenizer> parts = new ArrayList<>();
                for (int i = 0; i < steps.size(); i++) {
                    String w = where + ".pretokenizers[" + i + "]";
                    parts.add(preTokenizer(object(steps.get(i), w), w));
                }
                yield PreTokenizers.sequence(parts);
            }
            case "Whitespace" -> PreTokenizers.whitespace();
            case "WhitespaceSplit" -> PreTokenizers.whitespaceSplit();
            case "BertPreTokenizer" -> PreTokenizers.bert();
            case "Punctuation" -> PreTokenizers.punctuation(behavior(p, where, "Isolated"));
            case "Digits" -> PreTokenizers.digits(bool(p, "individual_digits", false));
            case "Split" -> PreTokenizers.split(pattern(p, where), behavior(p, where, null), bool(p, "invert", false));
            case "ByteLevel" -> PreTokenizers.byteLevel(bool(p, "add_prefix_space", true), bool(p, "use_regex", true));
            case "Metaspace" -> {
                String rep = string(p, "replacement", where);
                if (rep.codePointCount(0, rep.length()) != 1) {
                    throw error(where + ".replacement", "expected one character, got '" + rep + "'");
                }
                String scheme = p.get("prepend_scheme") != null ? string(p, "prepend_scheme", where)
                        : bool(p, "add_prefix_space", true) ? "always" : "never";
                if (!List.of("always", "first", "never").contains(scheme)) {
                    throw error(where + ".prepend_scheme", "expected always, first or never, got '" + scheme + "'");
                }
                yield PreTokenizers.metaspace(rep.codePointAt(0), scheme, bool(p, "split", true));
            }
            default -> throw unsupported(where, "pre-tokenizer", type);
        };
    }

    private PostProcessor postProcessor(Map<String, Object> p, String where) {
        String type = string(p, "type", where);
        return switch (type) {
            case "Sequence" -> {
                List<Object> steps = list(p.get("processors"), where + ".processors");
                List<PostProcessor> parts = new ArrayList<>();
                for (int i = 0; i < steps.size(); i++) {
                    String w = where + ".processors[" + i + "]";
                    parts.add(postProcessor(object(steps.get(i), w), w));
                }
                yield PostProcessor.sequence(parts);
            }
            case "ByteLevel" -> PostProcessor.NONE;
            case "BertProcessing", "RobertaProcessing" ->
                    new PostProcessor(new int[] {tokenPair(p, "cls", where)}, new int[] {tokenPair(p, "sep", where)});
            case "TemplateProcessing" -> template(p, where);
            default -> throw unsupported(where, "post-processor", type);
        };
    }

    private int tokenPair(Map<String, Object> p, String key, String where) {
        List<Object> pair = list(p.get(key), where + "." + key);
        if (pair.size() != 2 || !(pair.get(1) instanceof Long id)) {
            throw error(where + "." + key, "expected [token, id]");
        }
        return (int) (long) id;
    }

    private PostProcessor template(Map<String, Object> p, String where) {
        Map<String, Object> specials = object(p.getOrDefault("special_tokens", Map.of()), where + ".special_tokens");
        List<Object> single = list(p.get("single"), where + ".single");
        List<Integer> prefix = new ArrayList<>();
        List<Integer> suffix = new ArrayList<>();
        boolean seenSequence = false;
        for (int i = 0; i < single.size(); i++) {
            String w = where + ".single[" + i + "]";
            Map<String, Object> piece = object(single.get(i), w);
            if (piece.containsKey("Sequence")) {
                if (seenSequence) {
                    throw error(w, "the single template repeats its sequence");
                }
                seenSequence = true;
                continue;
            }
            Map<String, Object> special = object(piece.get("SpecialToken"), w + ".SpecialToken");
            if (special == null) {
                throw error(w, "expected a Sequence or SpecialToken");
            }
            String id = string(special, "id", w + ".SpecialToken");
            Map<String, Object> entry = object(specials.get(id), where + ".special_tokens['" + id + "']");
            if (entry == null) {
                throw error(w, "special token '" + id + "' is not in special_tokens");
            }
            for (Object o : list(entry.get("ids"), where + ".special_tokens['" + id + "'].ids")) {
                if (!(o instanceof Long l)) {
                    throw error(where + ".special_tokens['" + id + "'].ids", "expected integers");
                }
                (seenSequence ? suffix : prefix).add((int) (long) l);
            }
        }
        if (!seenSequence) {
            throw error(where + ".single", "the template has no $A sequence");
        }
        return new PostProcessor(prefix.stream().mapToInt(Integer::intValue).toArray(),
                suffix.stream().mapToInt(Integer::intValue).toArray());
    }

    private Truncation truncation(Object o) {
        if (o == null) {
            return null;
        }
        Map<String, Object> t = object(o, "truncation");
        int max = integer(t, "max_length", "truncation");
        String direction = t.get("direction") == null ? "Right" : string(t, "direction", "truncation");
        if (!direction.equals("Right") && !direction.equals("Left")) {
            throw error("truncation.direction", "expected Right or Left, got '" + direction + "'");
        }
        return new Truncation(max, direction.equals("Left"));
    }

    private Padding padding(Object o) {
        if (o == null) {
            return null;
        }
        Map<String, Object> p = object(o, "padding");
        int fixed = 0;
        Object strategy = p.get("strategy");
        if (strategy instanceof Map<?, ?> m && m.get("Fixed") instanceof Long n) {
            fixed = (int) (long) n;
        } else if (!"BatchLongest".equals(strategy)) {
            throw error("padding.strategy", "expected \"BatchLongest\" or {\"Fixed\": n}");
        }
        int multiple = p.get("pad_to_multiple_of") == null ? 0 : integer(p, "pad_to_multiple_of", "padding");
        String direction = p.get("direction") == null ? "Right" : string(p, "direction", "padding");
        if (!direction.equals("Right") && !direction.equals("Left")) {
            throw error("padding.direction", "expected Right or Left, got '" + direction + "'");
        }
        return new Padding(fixed, multiple, integer(p, "pad_id", "padding"), direction.equals("Left"));
    }

    private Pattern pattern(Map<String, Object> n, String where) {
        Map<String, Object> p = object(n.get("pattern"), where + ".pattern");
        if (p == null) {
            throw error(where + ".pattern", "missing");
        }
        if (p.get("String") instanceof String s) {
            return Pattern.compile(Pattern.quote(s));
        }
        if (p.get("Regex") instanceof String r) {
            try {
                return Pattern.compile(r, Pattern.UNICODE_CHARACTER_CLASS);
            } catch (PatternSyntaxException e) {
                throw error(where + ".pattern", "bad regex: " + e.getDescription());
            }
        }
        throw error(where + ".pattern", "expected {\"String\": ...} or {\"Regex\": ...}");
    }

    private SplitBehavior behavior(Map<String, Object> p, String where, String fallback) {
        String name = p.get("behavior") == null ? fallback : string(p, "behavior", where);
        SplitBehavior b = name == null ? null : SplitBehavior.named(name);
        if (b == null) {
            throw error(where + ".behavior", "unknown split behaviour '" + name + "'");
        }
        return b;
    }

    private IllegalArgumentException unsupported(String where, String kind, String type) {
        return error(where, "unsupported " + kind + " type '" + type + "'");
    }

    private IllegalArgumentException error(String where, String message) {
        return new IllegalArgumentException(source + ": " + where + ": " + message);
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> object(Object o, String where) {
        if (o != null && !(o instanceof Map)) {
            throw error(where, "expected an object");
        }
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    private List<Object> list(Object o, String where) {
        if (!(o instanceof List)) {
            throw error(where, "expected an array");
        }
        return (List<Object>) o;
    }

    private String string(Map<String, Object> m, String key, String where) {
        if (!(m.get(key) instanceof String s)) {
            throw error(where + "." + key, "expected a string");
        }
        return s;
    }

    private int integer(Map<String, Object> m, String key, String where) {
        if (!(m.get(key) instanceof Long l) || l < 0 || l > Integer.MAX_VALUE) {
            throw error(where + "." + key, "expected a non-negative integer");
        }
        return (int) (long) l;
    }

    private boolean bool(Map<String, Object> m, String key, boolean fallback) {
        Object o = m.get(key);
        return o instanceof Boolean b ? b : fallback;
    }
}
