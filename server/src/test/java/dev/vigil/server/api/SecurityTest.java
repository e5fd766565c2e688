package dev.vigil.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.core.Vigil;
import dev.vigil.server.VigilServer;
import java.io.UncheckedIOException;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SecurityTest {

    private final Vigil vigil = Vigil.builder().store("memory:").build();
    private VigilServer server;

    @AfterEach
    void close() {
        if (server != null) {
            server.close();
        }
        vigil.close();
    }

    @Test
    void withAToken_everyApiAndPageRequestNeedsIt_theLoginFormSetsAStrictHttpOnlyCookie() throws Exception {
        vigil.experiment("shop");
        server = VigilServer.builder(vigil).host("127.0.0.1").port(0).token("s3cret").dashboard(true).start();
        Http web = new Http(server.url());
        Http.Reply anonymous = web.get("/api/v1/experiments");
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.json()).containsKey("error");
        assertThat(web.get("/api/v1/experiments", "Authorization", "Bearer wrong").status()).isEqualTo(401);
        assertThat(web.get("/api/v1/experiments", "Authorization", "Bearer s3cret").status()).isEqualTo(200);

        Http.Reply page = web.get("/");
        assertThat(page.status()).isEqualTo(303);
        assertThat(page.header("Location")).isEqualTo("/login");
        assertThat(web.get("/assets/app.js").status()).isEqualTo(303);
        assertThat(web.get("/login").text()).contains("<form method=\"post\" action=\"/login\">");

        Http.Reply wrong = web.call("POST", "/login", "application/x-www-form-urlencoded", "token=nope");
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.text()).contains("not the server's token").doesNotContain("Set-Cookie");
        assertThat(wrong.header("Set-Cookie")).isNull();

        Http.Reply ok = web.call("POST", "/login", "application/x-www-form-urlencoded", "token=s3cret");
        assertThat(ok.status()).isEqualTo(303);
        String cookie = ok.header("Set-Cookie");
        assertThat(cookie).contains("HttpOnly").contains("SameSite=Strict").doesNotContain("s3cret");
        String session = cookie.substring(0, cookie.indexOf(';'));
        assertThat(web.get("/api/v1/experiments", "Cookie", session).status()).isEqualTo(200);
        Http.Reply index = web.get("/", "Cookie", session);
        assertThat(index.status()).isEqualTo(200);
        assertThat(index.header("Content-Security-Policy")).contains("script-src 'self'");
        assertThat(web.get("/api/v1/experiments", "Cookie", "vigil_session=forged").status()).isEqualTo(401);
        // OTLP ingest keeps its bearer token
        assertThat(web.call("POST", "/v1/traces", "application/json", "{}").status()).isEqualTo(401);
    }

    @Test
    void withoutAToken_theDashboardRefusesToListenBeyondLoopback() {
        assertThatThrownBy(() -> VigilServer.builder(vigil).host("0.0.0.0").port(0).dashboard(true).start())
                .isInstanceOf(UncheckedIOException.class).hasMessageContaining("VIGIL_SERVER_TOKEN");
        server = VigilServer.builder(vigil).port(0).dashboard(true).start();
        assertThat(server.address().getAddress().isLoopbackAddress()).isTrue();
    }

    @Test
    void withoutAToken_loginRedirectsHome_andUnknownPagesAre404() throws Exception {
        server = VigilServer.builder(vigil).port(0).dashboard(true).start();
        Http web = new Http(server.url());
        assertThat(web.get("/login").status()).isEqualTo(303);
        assertThat(web.get("/assets/../../etc/passwd").status()).isIn(400, 404);
        assertThat(web.get("/nothing-here").status()).isEqualTo(404);
        assertThat(web.get("/assets/uPlot.iife.min.js").status()).isEqualTo(200);
        Map<String, Object> health = web.get("/api/v1/health").json();
        assertThat(health).containsKey("status");
    }
}
