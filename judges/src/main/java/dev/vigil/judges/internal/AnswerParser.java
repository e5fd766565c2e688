package dev.vigil.judges.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.spi.json.Json;
import java.io.IOException;

/**
 * Finds the JSON answer in a model's text: the whole text, the inside of a code fence, or the first balanced
 * {@code {...}} holding a {@code result} in prose around it.
 */
public final class AnswerParser {
    private static final int EXCERPT = 300;

    private AnswerParser() {}

    /** A text without a usable JSON answer. */
    public static final class ParseFailure extends Exception {
        private static final long serialVersionUID = 1L;

        ParseFailure(String message) {
            super(message);
        }
    }

    /**
     * @param text the model's answer text
     * @return the JSON object with a {@code result}
     * @throws ParseFailure saying what was found instead
     */
    public static ObjectNode parse(String text) throws ParseFailure {
        String t = text == null ? "" : text.strip();
        if (t.isEmpty()) {
            throw new ParseFailure("the model's answer is empty; expected a JSON object with \"result\" and \"rationale\"");
        }
        ObjectNode whole = tryObject(t);
        if (whole != null && whole.has("result")) {
            return whole;
        }
        ObjectNode firstObject = whole;
        int from = 0;
        int guard = 0;
        while (guard++ < 64) {
            int open = t.indexOf('{', from);
            if (open < 0) {
                break;
            }
            int close = matchingBrace(t, open);
            if (close < 0) {
                break;
            }
            ObjectNode o = tryObject(t.substring(open, close + 1));
            if (o != null) {
                if (o.has("result")) {
                    return o;
                }
                if (firstObject == null) {
                    firstObject = o;
                }
                from = close + 1;
            } else {
                from = open + 1;
            }
        }
        if (firstObject != null) {
            throw new ParseFailure("the model's JSON answer has no \"result\" field: " + excerpt(Json.write(Json.fromNode(firstObject))));
        }
        throw new ParseFailure("the model's answer holds no JSON object with \"result\": " + excerpt(t));
    }

    private static ObjectNode tryObject(String s) {
        try {
            JsonNode n = Json.mapper().readTree(s);
            return n instanceof ObjectNode o ? o : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Index of the brace closing the one at {@code open}, skipping strings; -1 if unbalanced. */
    private static int matchingBrace(String s, int open) {
        int depth = 0;
        boolean inString = false;
        for (int i = open; i < s.length(); i++) {
            char c = s.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '{') {
                depth++;
            } else if (c == '}') {
                depth--;
                if (depth == 0) {
                    return i;
                }
            }
        }
        return -1;
    }

    /** @param s a text @return at most a few hundred characters of it */
    public static String excerpt(String s) {
        return s.length() <= EXCERPT ? s : s.substring(0, EXCERPT) + "…";
    }
}
