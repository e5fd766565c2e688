/**
 * Budgets on LLM-judge spend: {@link dev.vigil.core.budget.BudgetGuard} reserves each judge call's estimated cost
 * in the store before the call (held under an id until a TTL, so a dead engine's reservation is reclaimed) and
 * settles it with the real usage after, skipping calls past a STOP budget ({@code BUDGET_EXCEEDED}) and alerting at
 * 80 % and 100 % of a limit once per period; {@link dev.vigil.core.budget.BudgetNotifications} sends those alerts
 * through the monitors' notifiers; {@link dev.vigil.core.budget.BudgetSpec} checks a budget as a person gives it
 * (CLI and API alike); {@link dev.vigil.core.budget.BackfillEstimate} estimates what a backfill would spend before
 * it starts.
 */
package dev.vigil.core.budget;
