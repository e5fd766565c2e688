package dev.vigil.spi;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one masking function for anything shown to a person or logged that can carry a store URL or a key: every
 * message, log line and {@code toString()} that holds a URL, a driver's error text or a property passes through
 * {@link #mask(String)}. It replaces with {@code ***}: the value of any {@code password}, {@code pwd},
 * {@code passwd}, {@code secret}, {@code token}, {@code api_key}/{@code apikey}/{@code key},
 * {@code sslpassword} or {@code access_token} parameter (in {@code ?a=b&c=d} and {@code ;a=b} forms, in
 * {@code a: b} and {@code "a":"b"} forms too), the password of {@code //user:password@host}, an
 * {@code Authorization: Bearer …} value, and — with {@link #mask(String, Collection)} — any literal secret the
 * caller knows (a password given in store properties or the environment).
 */
public final class Secrets {

    /** What replaces a secret. */
    public static final String MASK = "***";

    private static final String KEYS = "password|passwd|pwd|secret|token|access_token|api[_-]?key|apikey|"
            + "sslpassword|key|client_secret";
    private static final Pattern PARAM = Pattern.compile(
            "(?i)(?<![A-Za-z0-9_])(" + KEYS + ")(\\s*=\\s*)([^&;\\s,)'\"]*)");
    private static final Pattern JSON_LIKE = Pattern.compile(
            "(?i)(\"(?:" + KEYS + ")\"\\s*:\\s*\")([^\"]*)(\")");
    private static final Pattern USER_INFO = Pattern.compile("(//[^/@:?;\\s]*):([^/@\\s]*)@");
    private static final Pattern BEARER = Pattern.compile("(?i)(bearer\\s+)[A-Za-z0-9._~+/=-]+");

    private Secrets() {}

    /**
     * @param text a URL, message or property dump; null gives {@code "null"}
     * @return the text with every secret it visibly carries masked
     */
    public static String mask(String text) {
        if (text == null) {
            return "null";
        }
        String s = PARAM.matcher(text).replaceAll(m -> Matcher.quoteReplacement(
                m.group(3).isEmpty() ? m.group() : m.group(1) + m.group(2) + MASK));
        s = JSON_LIKE.matcher(s).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + MASK + m.group(3)));
        s = USER_INFO.matcher(s).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + ":" + MASK + "@"));
        return BEARER.matcher(s).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + MASK));
    }

    /**
     * @param text a URL, message or property dump
     * @param knownSecrets secret values the caller holds (from properties, the environment); values shorter than
     *     4 characters are masked only where a pattern finds them, so that a short password does not mask every
     *     occurrence of a common letter
     * @return the text with every pattern secret and every occurrence of a known secret masked
     */
    public static String mask(String text, Collection<String> knownSecrets) {
        String s = mask(text);
        List<String> longestFirst = knownSecrets.stream()
                .filter(k -> k != null && k.length() >= 4)
                .sorted(Comparator.comparingInt(String::length).reversed())
                .toList();
        for (String k : longestFirst) {
            s = s.replace(k, MASK);
        }
        return s;
    }

    /**
     * @return the values of this process's environment variables whose names say they are secrets (see
     *     {@link #isSecretName}), e.g. {@code PGPASSWORD}, {@code OPENAI_API_KEY}, to pass to
     *     {@link #mask(String, Collection)}
     */
    public static List<String> fromEnvironment() {
        return fromEnvironment(System.getenv());
    }

    /**
     * @param environment an environment
     * @return the values of its variables whose names say they are secrets
     */
    public static List<String> fromEnvironment(java.util.Map<String, String> environment) {
        return environment.entrySet().stream().filter(e -> isSecretName(e.getKey()))
                .map(java.util.Map.Entry::getValue).toList();
    }

    /**
     * @param name a property or environment variable name
     * @return whether its value is to be treated as a secret (its name mentions a password, secret, token or key)
     */
    public static boolean isSecretName(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.contains("password") || n.contains("passwd") || n.equals("pwd") || n.contains("secret")
                || n.contains("token") || n.endsWith("key") || n.contains("api_key") || n.contains("apikey");
    }
}
