package dev.vigil.core.notify;

import dev.vigil.spi.json.Json;
import dev.vigil.spi.notify.Notification;
import dev.vigil.spi.notify.Notifier;
import dev.vigil.spi.notify.NotifierConfig;
import dev.vigil.spi.notify.NotifierContext;
import java.util.Locale;
import java.util.Map;

/**
 * A Slack incoming webhook: a readable message with the monitor, its state change, the value and its interval,
 * the window, a few trace ids, and a link to the dashboard when the server's URL is configured. Settings as the
 * {@link WebhookNotifier}'s, without {@code secret} (Slack's URL is the secret).
 */
public final class SlackNotifier implements Notifier {

    private final HttpDelivery http = new HttpDelivery();

    @Override
    public String type() {
        return "slack";
    }

    @Override
    public void validate(NotifierConfig config) {
        HttpDelivery.validate(config);
    }

    @Override
    public boolean send(Notification n, NotifierConfig config, NotifierContext context) {
        String text = text(n, context);
        return http.post(n, config, Json.write(Map.of("text", text)), Map.of(WebhookNotifier.ID_HEADER, n.id()),
                context);
    }

    /**
     * @param n a notification
     * @param context for the dashboard URL
     * @return the message text (Slack mrkdwn)
     */
    static String text(Notification n, NotifierContext context) {
        if (n.isBudget()) {
            return budgetText(n, context);
        }
        String icon = switch (n.to()) {
            case "CRITICAL" -> ":red_circle:";
            case "WARNING" -> ":warning:";
            case "OK" -> ":white_check_mark:";
            default -> ":grey_question:";
        };
        StringBuilder b = new StringBuilder();
        if (n.test()) {
            b.append("[TEST] ");
        }
        b.append(icon).append(" *").append(n.subject()).append("* is ").append(n.to()).append(" (was ")
                .append(n.from()).append(")\n");
        b.append(n.metric());
        if (Double.isFinite(n.value())) {
            b.append(" = ").append(pct(n.value()));
            if (Double.isFinite(n.low())) {
                b.append(" (95% interval ").append(pct(n.low())).append(" – ").append(pct(n.high())).append(')');
            }
        }
        b.append(", ").append(n.sampleSize()).append(" scored traces\n");
        b.append("window ").append(n.windowStart()).append(" – ").append(n.windowEnd());
        if (!n.traceIds().isEmpty()) {
            b.append("\ntraces: ").append(String.join(", ", n.traceIds().subList(0, Math.min(3, n.traceIds().size()))));
        }
        context.dashboardUrl().ifPresent(url -> b.append("\n<").append(url.replaceAll("/+$", ""))
                .append("/experiments/").append(n.experimentId()).append("/monitors/").append(n.subject())
                .append("|Open in Vigil>"));
        return b.toString();
    }

    private static String budgetText(Notification n, NotifierContext context) {
        StringBuilder b = new StringBuilder();
        if (n.test()) {
            b.append("[TEST] ");
        }
        b.append("EXHAUSTED".equals(n.to()) ? ":no_entry:" : ":money_with_wings:").append(" *budget ")
                .append(n.subject()).append("* ").append("EXHAUSTED".equals(n.to()) ? "is used up" : "passed 80 %")
                .append('\n').append(n.metric());
        if (Double.isFinite(n.value())) {
            b.append(String.format(Locale.ROOT, " (%.0f %% used)", n.value() * 100));
        }
        b.append(", ").append(n.sampleSize()).append(" judge calls\nperiod ").append(n.windowStart()).append(" – ")
                .append(n.windowEnd());
        context.dashboardUrl().ifPresent(url -> b.append("\n<").append(url.replaceAll("/+$", ""))
                .append("/experiments/").append(n.experimentId()).append("/budgets|Open in Vigil>"));
        return b.toString();
    }

    private static String pct(double v) {
        return String.format(Locale.ROOT, "%.4g", v);
    }

    @Override
    public String toString() {
        return "SlackNotifier";
    }
}
