package dev.vigil.storage.fs;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.spi.json.Json;
import dev.vigil.spi.notify.NotifierConfig;
import dev.vigil.spi.store.Budget;
import dev.vigil.spi.store.BudgetAction;
import dev.vigil.spi.store.BudgetPeriod;
import dev.vigil.spi.store.BudgetUsage;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The JSON of {@code state/budgets.state}: {@code budgets}, {@code usage} (counters per period) and
 * {@code reservations} (held by calls in flight), read into and written from {@link FsBudgetStore}'s maps.
 */
final class BudgetStateJson {

    private BudgetStateJson() {}

    /** Fills the maps from the file's JSON; does nothing for null (no file yet). */
    static void read(JsonNode node, Map<String, Budget> budgets, Map<String, TreeMap<Instant, BudgetUsage>> usage,
            Map<String, FsBudgetStore.Held> held) {
        if (node == null) {
            return;
        }
        for (JsonNode b : node.path("budgets")) {
            Budget budget = new Budget(b.get("experiment_id").asText(), b.get("name").asText(),
                    b.hasNonNull("scorer") ? b.get("scorer").asText() : null,
                    BudgetPeriod.valueOf(b.get("period").asText()), b.get("max_tokens").asLong(),
                    b.get("max_usd").asDouble(), BudgetAction.valueOf(b.get("action").asText()),
                    Instant.parse(b.get("updated_at").asText()),
                    NotifierConfig.readAll(b.hasNonNull("notify") ? b.get("notify").asText() : null));
            budgets.put(FsBudgetStore.key(budget.experimentId(), budget.name()), budget);
        }
        for (JsonNode u : node.path("usage")) {
            BudgetUsage bu = new BudgetUsage(u.get("experiment_id").asText(), u.get("budget").asText(),
                    Instant.parse(u.get("period_start").asText()), u.get("spent_tokens").asLong(),
                    u.get("spent_nusd").asLong(), u.get("reserved_tokens").asLong(),
                    u.get("reserved_nusd").asLong(), u.get("calls").asLong(), u.get("skipped").asLong(),
                    u.get("alerted_percent").asInt());
            usage.computeIfAbsent(FsBudgetStore.key(bu.experimentId(), bu.budgetName()), k -> new TreeMap<>())
                    .put(bu.periodStart(), bu);
        }
        for (JsonNode r : node.path("reservations")) {
            held.put(r.get("id").asText(), new FsBudgetStore.Held(r.get("experiment_id").asText(),
                    r.get("budget").asText(), Instant.parse(r.get("period_start").asText()), r.get("tokens").asLong(),
                    r.get("nusd").asLong(), Instant.parse(r.get("expires_at").asText())));
        }
    }

    /** @return the file's JSON (UTF-8) for the maps */
    static byte[] write(Map<String, Budget> budgets, Map<String, TreeMap<Instant, BudgetUsage>> usage,
            Map<String, FsBudgetStore.Held> held) {
        List<Object> bs = new ArrayList<>();
        for (Budget b : budgets.values()) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("experiment_id", b.experimentId());
            o.put("name", b.name());
            o.put("scorer", b.scorerName());
            o.put("period", b.period().name());
            o.put("max_tokens", b.maxTokens());
            o.put("max_usd", b.maxUsd());
            o.put("action", b.action().name());
            o.put("updated_at", b.updatedAt().toString());
            if (!b.destinations().isEmpty()) {
                o.put("notify", NotifierConfig.writeAll(b.destinations()));
            }
            bs.add(o);
        }
        List<Object> us = new ArrayList<>();
        for (TreeMap<Instant, BudgetUsage> periods : usage.values()) {
            for (BudgetUsage u : periods.values()) {
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("experiment_id", u.experimentId());
                o.put("budget", u.budgetName());
                o.put("period_start", u.periodStart().toString());
                o.put("spent_tokens", u.spentTokens());
                o.put("spent_nusd", u.spentNanoUsd());
                o.put("reserved_tokens", u.reservedTokens());
                o.put("reserved_nusd", u.reservedNanoUsd());
                o.put("calls", u.calls());
                o.put("skipped", u.skipped());
                o.put("alerted_percent", u.alertedPercent());
                us.add(o);
            }
        }
        Map<String, Object> all = new LinkedHashMap<>();
        all.put("budgets", bs);
        all.put("usage", us);
        List<Object> rs = new ArrayList<>();
        held.forEach((id, h) -> {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("id", id);
            o.put("experiment_id", h.experimentId());
            o.put("budget", h.name());
            o.put("period_start", h.periodStart().toString());
            o.put("tokens", h.tokens());
            o.put("nusd", h.nanoUsd());
            o.put("expires_at", h.expiresAt().toString());
            rs.add(o);
        });
        all.put("reservations", rs);
        return Json.write(all).getBytes(StandardCharsets.UTF_8);
    }
}
