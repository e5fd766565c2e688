package dev.vigil.core.budget;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.core.engine.internal.CallGuard;
import dev.vigil.core.metrics.JudgeUsage;
import dev.vigil.spi.model.AssessmentSource;
import dev.vigil.spi.scorer.Feedback;
import dev.vigil.spi.scorer.Scorer;
import dev.vigil.spi.scorer.ScorerInput;
import dev.vigil.spi.store.Budget;
import dev.vigil.spi.store.BudgetAction;
import dev.vigil.spi.store.BudgetPeriod;
import dev.vigil.spi.store.BudgetUsage;
import dev.vigil.spi.store.Store;
import dev.vigil.spi.store.StoreOptions;
import dev.vigil.spi.store.Stores;
import dev.vigil.testkit.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A reservation of an engine that died mid-call is returned to the budget after the TTL, by another engine. */
class BudgetReclaimTest {

    private static final Instant T0 = Instant.parse("2026-03-02T09:00:00Z");
    private static final Duration TTL = Duration.ofMinutes(10);

    private MutableClock clock;
    private Store store;
    private String experimentId;

    @BeforeEach
    void setUp() {
        clock = new MutableClock(T0);
        store = Stores.open("memory:", StoreOptions.withClock(clock));
        experimentId = store.experiments().getOrCreate("reclaim").experimentId();
    }

    @AfterEach
    void tearDown() {
        store.close();
    }

    private static final Scorer JUDGE = new Scorer() {
        @Override
        public String name() {
            return "safety";
        }

        @Override
        public Object score(ScorerInput input) {
            throw new UnsupportedOperationException("not called here");
        }

        @Override
        public dev.vigil.spi.scorer.ScorerDefinition definition() {
            return new dev.vigil.spi.scorer.ScorerDefinition("java", Map.of("lambda", "reclaim-judge"));
        }

        @Override
        public AssessmentSource source() {
            return AssessmentSource.llmJudge("fakeai:/judge");
        }
    };

    private static List<Feedback> used(int tokens) {
        return List.of(Feedback.of("yes").withMetadata(Map.of(JudgeUsage.INPUT_TOKENS, Integer.toString(tokens),
                JudgeUsage.OUTPUT_TOKENS, "0")));
    }

    private BudgetUsage usage() {
        return store.budgets().usage(experimentId, "tokens", BudgetPeriod.DAY.start(clock.instant()));
    }

    @Test
    void reservationsOfADeadEngine_areReturnedAfterTheTtl_andCallsResume() {
        store.budgets().put(new Budget(experimentId, "tokens", "safety", BudgetPeriod.DAY, 300, 0,
                BudgetAction.STOP, T0));
        BudgetGuard dying = new BudgetGuard(store.budgets(), clock, a -> { }, TTL);
        BudgetGuard survivor = new BudgetGuard(store.budgets(), clock, a -> { }, TTL);
        CallGuard.Permit first = dying.admit(experimentId, "safety", JUDGE);
        first.settle(used(100)); // the mean is now 100 tokens a call

        // Two calls start on the dying engine and never settle: it stops mid-call.
        assertThat(dying.admit(experimentId, "safety", JUDGE).refusal()).isNull();
        assertThat(dying.admit(experimentId, "safety", JUDGE).refusal()).isNull();
        assertThat(usage().reservedTokens()).isEqualTo(200);
        assertThat(store.budgets().heldReservations(experimentId, "tokens")).isEqualTo(2);

        clock.advance(TTL.minusSeconds(1));
        CallGuard.Permit before = survivor.admit(experimentId, "safety", JUDGE);
        assertThat(before.refusal()).as("held until the TTL").isNotNull();
        assertThat(before.refusal().code()).isEqualTo(BudgetGuard.BUDGET_EXCEEDED);

        clock.advance(Duration.ofSeconds(1));
        CallGuard.Permit after = survivor.admit(experimentId, "safety", JUDGE);
        assertThat(after.refusal()).as("the dead engine's reservations are returned").isNull();
        assertThat(usage().reservedTokens()).isEqualTo(100);
        assertThat(store.budgets().heldReservations(experimentId, "tokens")).isEqualTo(1);
        after.settle(used(90));
        assertThat(usage().reservedTokens()).isZero();
        assertThat(usage().spentTokens()).isEqualTo(190);
        assertThat(usage().skipped()).isEqualTo(1);
    }
}
