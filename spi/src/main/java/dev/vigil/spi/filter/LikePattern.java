package dev.vigil.spi.filter;

import java.util.regex.Pattern;

/**
 * A SQL LIKE pattern ({@code %} any run of characters, {@code _} one character), compiled once. Patterns without
 * {@code _} whose only {@code %} are at the ends (exact, prefix, suffix, contains) skip the regex engine. ILIKE
 * folds both sides one code point at a time ({@link CaseFold}), as MLflow's {@code re.IGNORECASE} match does.
 */
final class LikePattern {

    private enum Shape { EXACT, PREFIX, SUFFIX, CONTAINS, REGEX }

    private final Shape shape;
    private final String literal;
    private final Pattern regex;
    private final boolean ignoreCase;

    LikePattern(String pattern, boolean ignoreCase) {
        this.ignoreCase = ignoreCase;
        String p = ignoreCase ? CaseFold.fold(pattern) : pattern;
        boolean lead = p.startsWith("%");
        boolean trail = p.length() > (lead ? 1 : 0) && p.endsWith("%");
        String core = p.substring(lead ? 1 : 0, p.length() - (trail ? 1 : 0));
        if (core.indexOf('%') < 0 && core.indexOf('_') < 0) {
            shape = lead && trail ? Shape.CONTAINS : lead ? Shape.SUFFIX : trail ? Shape.PREFIX : Shape.EXACT;
            literal = core;
            regex = null;
        } else {
            shape = Shape.REGEX;
            literal = null;
            StringBuilder re = new StringBuilder();
            StringBuilder lit = new StringBuilder();
            for (int k = 0; k < p.length(); k++) {
                char c = p.charAt(k);
                if (c == '%' || c == '_') {
                    if (!lit.isEmpty()) {
                        re.append(Pattern.quote(lit.toString()));
                        lit.setLength(0);
                    }
                    re.append(c == '%' ? ".*" : ".");
                } else {
                    lit.append(c);
                }
            }
            if (!lit.isEmpty()) {
                re.append(Pattern.quote(lit.toString()));
            }
            regex = Pattern.compile(re.toString(), Pattern.DOTALL);
        }
    }

    boolean matches(String value) {
        String v = ignoreCase ? CaseFold.fold(value) : value;
        return switch (shape) {
            case EXACT -> v.equals(literal);
            case PREFIX -> v.startsWith(literal);
            case SUFFIX -> v.endsWith(literal);
            case CONTAINS -> v.contains(literal);
            case REGEX -> regex.matcher(v).matches();
        };
    }
}
