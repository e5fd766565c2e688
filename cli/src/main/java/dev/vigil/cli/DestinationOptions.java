package dev.vigil.cli;

import dev.vigil.spi.notify.NotifierConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** The notification destinations a monitor or a budget sends to: {@code --slack}, {@code --webhook}, {@code --log}. */
final class DestinationOptions {
    @Option(names = "--slack", paramLabel = "URL|env:VAR",
            description = "Send notifications to this Slack incoming webhook URL (a secret: prefer env:VAR to keep it "
                    + "off the command line).")
    String slack;
    @Option(names = "--webhook", paramLabel = "URL|env:VAR", description = "Send notifications to this generic webhook URL.")
    String webhook;
    @Option(names = "--webhook-secret", paramLabel = "KEY|env:VAR",
            description = "HMAC-SHA256 key for the webhook's X-Vigil-Signature header (16+ characters).")
    String webhookSecret;
    @Option(names = "--log", description = "Also write notifications to the log.")
    boolean log;

    /**
     * @return the destinations given, in the order slack, webhook, log; none when no option is given
     * @throws UserError when an {@code env:VAR} is not set, or {@code --webhook-secret} comes without {@code --webhook}
     */
    List<NotifierConfig> destinations() {
        List<NotifierConfig> out = new ArrayList<>();
        if (slack != null) {
            out.add(new NotifierConfig("slack", Map.of("url", secret(slack, "--slack"))));
        }
        if (webhook != null) {
            Map<String, String> settings = new LinkedHashMap<>();
            settings.put("url", secret(webhook, "--webhook"));
            if (webhookSecret != null) {
                settings.put("secret", secret(webhookSecret, "--webhook-secret"));
            }
            out.add(new NotifierConfig("webhook", settings));
        } else if (webhookSecret != null) {
            throw new UserError("--webhook-secret needs --webhook URL");
        }
        if (log) {
            out.add(new NotifierConfig("log", Map.of()));
        }
        return out;
    }

    /**
     * @param value an option's value: the secret itself, or {@code env:VAR} naming the environment variable holding it
     * @param option the option, for the error
     * @return the secret
     */
    static String secret(String value, String option) {
        if (value.startsWith("env:")) {
            String v = System.getenv(value.substring(4));
            if (v == null || v.isBlank()) {
                throw new UserError(option + " names environment variable " + value.substring(4) + ", which is not set");
            }
            return v;
        }
        return value;
    }
}
