package dev.vigil.spi;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SecretsTest {

    @Test
    void mask_passwordInPostgresQuery_isHidden() {
        String masked = Secrets.mask("jdbc:postgresql://db:5432/vigil?user=u&password=secret123&ssl=true");
        assertThat(masked).doesNotContain("secret123")
                .isEqualTo("jdbc:postgresql://db:5432/vigil?user=u&password=***&ssl=true");
    }

    @Test
    void mask_passwordInUserInfoAndH2Settings_isHidden() {
        assertThat(Secrets.mask("jdbc:postgresql://u:hunter22@db/vigil")).isEqualTo("jdbc:postgresql://u:***@db/vigil");
        assertThat(Secrets.mask("jdbc:h2:tcp://h/db;USER=sa;PASSWORD=topsecret;MODE=PostgreSQL"))
                .isEqualTo("jdbc:h2:tcp://h/db;USER=sa;PASSWORD=***;MODE=PostgreSQL");
    }

    @Test
    void mask_keysTokensAndBearerHeaders_areHidden() {
        assertThat(Secrets.mask("call failed: api_key=sk-abc123 token=t0k3n"))
                .isEqualTo("call failed: api_key=*** token=***");
        assertThat(Secrets.mask("Authorization: Bearer sk-live-XYZ")).isEqualTo("Authorization: Bearer ***");
        assertThat(Secrets.mask("{\"password\":\"p4ss\",\"user\":\"u\"}")).isEqualTo("{\"password\":\"***\",\"user\":\"u\"}");
    }

    @Test
    void mask_knownSecretFromPropertiesOrEnvironment_isHiddenWhereverItAppears() {
        String driverMessage = "FATAL: password authentication failed for user \"u\" (tried envSecret42)";
        assertThat(Secrets.mask(driverMessage, List.of("envSecret42"))).doesNotContain("envSecret42")
                .endsWith("(tried ***)");
    }

    @Test
    void fromEnvironment_takesTheValuesOfSecretVariablesOnly() {
        List<String> secrets = Secrets.fromEnvironment(java.util.Map.of("PGPASSWORD", "pgSecret99",
                "OPENAI_API_KEY", "sk-envkey", "HOME", "/root"));
        assertThat(secrets).containsExactlyInAnyOrder("pgSecret99", "sk-envkey");
        assertThat(Secrets.mask("connect to db as u with pgSecret99 failed; home /root", secrets))
                .isEqualTo("connect to db as u with *** failed; home /root");
    }

    @Test
    void mask_textWithoutSecrets_isUnchanged() {
        String s = "jdbc:h2:file:./vigil-data/vigil and keyword=value";
        assertThat(Secrets.mask(s)).isEqualTo(s);
        assertThat(Secrets.mask(null)).isEqualTo("null");
    }

    @Test
    void isSecretName_recognisesPasswordsAndKeys() {
        assertThat(Secrets.isSecretName("VIGIL_DB_PASSWORD")).isTrue();
        assertThat(Secrets.isSecretName("OPENAI_API_KEY")).isTrue();
        assertThat(Secrets.isSecretName("VIGIL_STORE")).isFalse();
    }
}
