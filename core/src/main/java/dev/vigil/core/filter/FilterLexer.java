package dev.vigil.core.filter;

import java.util.ArrayList;
import java.util.List;

/** Splits a filter string into tokens, each with its 1-based column. */
final class FilterLexer {

    enum Type { WORD, BACKTICK, STRING, NUMBER, DOT, LPAREN, RPAREN, COMMA, OP, END }

    /**
     * @param type the kind of token
     * @param text the source text of the token
     * @param value the decoded value: the unquoted string or key, a Long or Double, or the text
     * @param column the 1-based column it starts at
     */
    record Token(Type type, String text, Object value, int column) {
        boolean isWord(String keyword) {
            return type == Type.WORD && text.equalsIgnoreCase(keyword);
        }

        String shown() {
            return type == Type.END ? FilterSyntaxException.END_OF_INPUT : text;
        }
    }

    private final String src;
    private int pos;

    private FilterLexer(String src) {
        this.src = src;
    }

    static List<Token> tokenize(String src) {
        return new FilterLexer(src).run();
    }

    private List<Token> run() {
        List<Token> out = new ArrayList<>();
        while (true) {
            while (pos < src.length() && Character.isWhitespace(src.charAt(pos))) {
                pos++;
            }
            if (pos >= src.length()) {
                out.add(new Token(Type.END, "", null, src.length() + 1));
                return out;
            }
            out.add(next());
        }
    }

    private Token next() {
        int start = pos;
        char c = src.charAt(pos);
        switch (c) {
            case '.' -> {
                pos++;
                return new Token(Type.DOT, ".", ".", start + 1);
            }
            case '(' -> {
                pos++;
                return new Token(Type.LPAREN, "(", "(", start + 1);
            }
            case ')' -> {
                pos++;
                return new Token(Type.RPAREN, ")", ")", start + 1);
            }
            case ',' -> {
                pos++;
                return new Token(Type.COMMA, ",", ",", start + 1);
            }
            case '=' -> {
                pos++;
                return new Token(Type.OP, "=", "=", start + 1);
            }
            case '!' -> {
                if (pos + 1 < src.length() && src.charAt(pos + 1) == '=') {
                    pos += 2;
                    return new Token(Type.OP, "!=", "!=", start + 1);
                }
                throw error(start, "!", "'!=' (a lone '!' is not an operator)");
            }
            case '<', '>' -> {
                pos++;
                if (pos < src.length() && src.charAt(pos) == '=') {
                    pos++;
                }
                String op = src.substring(start, pos);
                return new Token(Type.OP, op, op, start + 1);
            }
            case '\'', '"' -> {
                return string(c);
            }
            case '`' -> {
                return backtick();
            }
            default -> { }
        }
        if (c == '-' || c >= '0' && c <= '9') {
            return number();
        }
        if (Character.isLetter(c) || c == '_') {
            while (pos < src.length() && isWordChar(src.charAt(pos))) {
                pos++;
            }
            String w = src.substring(start, pos);
            return new Token(Type.WORD, w, w, start + 1);
        }
        throw error(start, String.valueOf(Character.toChars(src.codePointAt(start))),
                "a field, an operator, a quoted string, a number, AND, OR, NOT or a parenthesis");
    }

    static boolean isWordChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_';
    }

    private Token string(char quote) {
        int start = pos;
        pos++;
        StringBuilder sb = new StringBuilder();
        while (pos < src.length()) {
            char c = src.charAt(pos);
            if (c == quote) {
                pos++;
                return new Token(Type.STRING, src.substring(start, pos), sb.toString(), start + 1);
            }
            if (c == '\\') {
                if (pos + 1 >= src.length()) {
                    break;
                }
                char e = src.charAt(pos + 1);
                if (e != '\\' && e != '\'' && e != '"') {
                    // Any other escape stays as written (as in MLflow): 'v1\.2' keeps the backslash for RLIKE.
                    sb.append('\\');
                }
                sb.append(e);
                pos += 2;
                continue;
            }
            sb.append(c);
            pos++;
        }
        throw new FilterSyntaxException(src, start + 1, src.substring(start),
                "a closing " + quote + " for the string starting here");
    }

    private Token backtick() {
        int start = pos;
        pos++;
        StringBuilder sb = new StringBuilder();
        while (pos < src.length()) {
            char c = src.charAt(pos);
            if (c == '`') {
                if (pos + 1 < src.length() && src.charAt(pos + 1) == '`') {
                    sb.append('`');
                    pos += 2;
                    continue;
                }
                pos++;
                if (sb.isEmpty()) {
                    throw new FilterSyntaxException(src, start + 1, "``", "a non-empty key between backticks");
                }
                return new Token(Type.BACKTICK, src.substring(start, pos), sb.toString(), start + 1);
            }
            sb.append(c);
            pos++;
        }
        throw new FilterSyntaxException(src, start + 1, src.substring(start),
                "a closing ` for the key starting here");
    }

    private Token number() {
        int start = pos;
        if (src.charAt(pos) == '-') {
            pos++;
        }
        int digits = pos;
        while (pos < src.length() && isDigit(src.charAt(pos))) {
            pos++;
        }
        if (pos == digits) {
            throw error(start, "-", "a digit after '-' (negative numbers are written -5)");
        }
        boolean fractional = false;
        if (pos < src.length() && src.charAt(pos) == '.' && pos + 1 < src.length() && isDigit(src.charAt(pos + 1))) {
            fractional = true;
            pos++;
            while (pos < src.length() && isDigit(src.charAt(pos))) {
                pos++;
            }
        }
        if (pos < src.length() && (src.charAt(pos) == 'e' || src.charAt(pos) == 'E')) {
            int save = pos;
            pos++;
            if (pos < src.length() && (src.charAt(pos) == '+' || src.charAt(pos) == '-')) {
                pos++;
            }
            if (pos < src.length() && isDigit(src.charAt(pos))) {
                fractional = true;
                while (pos < src.length() && isDigit(src.charAt(pos))) {
                    pos++;
                }
            } else {
                pos = save;
            }
        }
        // A number glued to letters (12abc) is one bad token, not a number then a word.
        if (pos < src.length() && isWordChar(src.charAt(pos))) {
            int end = pos;
            while (end < src.length() && isWordChar(src.charAt(end))) {
                end++;
            }
            String bad = src.substring(start, end);
            // Keys like tags.1abc are words that start with a digit: return a WORD for the parser to judge.
            pos = end;
            return new Token(Type.WORD, bad, bad, start + 1);
        }
        String text = src.substring(start, pos);
        Object value;
        if (fractional) {
            value = Double.parseDouble(text);
        } else {
            try {
                value = Long.parseLong(text);
            } catch (NumberFormatException tooBig) {
                value = Double.parseDouble(text);
            }
        }
        if (value instanceof Double d && d.isInfinite()) {
            throw new FilterSyntaxException(src, start + 1, text, "a finite number (this one overflows a double)");
        }
        return new Token(Type.NUMBER, text, value, start + 1);
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private FilterSyntaxException error(int index, String token, String expected) {
        return new FilterSyntaxException(src, index + 1, token, expected);
    }
}
