package dev.vigil.storage.jdbc;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** JDBC URLs as they may be shown: with any password masked. */
final class JdbcUrls {

    private static final Pattern PASSWORD = Pattern.compile("(?i)(password|pwd|passwd)=([^&;]*)");
    private static final Pattern USER_INFO = Pattern.compile("(//[^/@:?;]*):([^/@]*)@");

    private JdbcUrls() {}

    /**
     * @param url a JDBC URL, or null
     * @return the URL with every password replaced by {@code ***}
     */
    static String mask(String url) {
        if (url == null) {
            return "null";
        }
        String masked = PASSWORD.matcher(url).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + "=***"));
        return USER_INFO.matcher(masked).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + ":***@"));
    }
}
