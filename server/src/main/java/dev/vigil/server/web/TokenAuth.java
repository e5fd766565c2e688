package dev.vigil.server.web;

import com.sun.net.httpserver.HttpExchange;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Who may use the API and the dashboard when {@code VIGIL_SERVER_TOKEN} is set: a request with
 * {@code Authorization: Bearer <token>}, or a browser holding the session cookie the login form set. The cookie
 * holds a SHA-256 digest of the token (never the token itself), is {@code HttpOnly} (no script reads it) and
 * {@code SameSite=Strict} (no other site's page sends it). Without a token everything is open: the server then binds
 * to loopback.
 */
public final class TokenAuth {

    /** The session cookie's name. */
    public static final String COOKIE = "vigil_session";

    private final byte[] bearer;
    private final String session;

    /** @param token the server token, or null for none */
    public TokenAuth(String token) {
        this.bearer = token == null ? null : ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
        this.session = token == null ? null : digest(token);
    }

    /** @return true if a token is required */
    public boolean required() {
        return bearer != null;
    }

    /**
     * @param ex a request
     * @return true if it may proceed: no token required, the bearer token, or the session cookie
     */
    public boolean allows(HttpExchange ex) {
        if (bearer == null) {
            return true;
        }
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        if (auth != null && MessageDigest.isEqual(bearer, auth.strip().getBytes(StandardCharsets.UTF_8))) {
            return true;
        }
        String c = cookie(ex, COOKIE);
        return c != null && MessageDigest.isEqual(session.getBytes(StandardCharsets.UTF_8),
                c.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * @param typed the token a person typed
     * @return true if it is the server's token
     */
    boolean matches(String typed) {
        return bearer != null && typed != null && MessageDigest.isEqual(session.getBytes(StandardCharsets.UTF_8),
                digest(typed).getBytes(StandardCharsets.UTF_8));
    }

    /** @return the Set-Cookie value that signs a browser in */
    String signInCookie() {
        return COOKIE + "=" + session + "; Path=/; HttpOnly; SameSite=Strict";
    }

    /** @return the Set-Cookie value that signs a browser out */
    static String signOutCookie() {
        return COOKIE + "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0";
    }

    static String cookie(HttpExchange ex, String name) {
        for (String header : ex.getRequestHeaders().getOrDefault("Cookie", java.util.List.of())) {
            for (String part : header.split(";")) {
                String p = part.strip();
                if (p.startsWith(name + "=")) {
                    return p.substring(name.length() + 1);
                }
            }
        }
        return null;
    }

    private static String digest(String token) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(md.digest(("vigil-session\0" + token).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
