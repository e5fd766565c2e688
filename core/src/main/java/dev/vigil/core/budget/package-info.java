/**
 * Budgets on LLM-judge spend: {@link dev.vigil.core.budget.BudgetGuard} reserves each judge call's estimated cost
 * in the store before the call and settles it with the real usage after, skipping calls past a STOP budget
 * ({@code BUDGET_EXCEEDED}) and alerting at 80 % and 100 % of an ALERT budget; {@link
 * dev.vigil.core.budget.BackfillEstimate} estimates what a backfill would spend before it starts.
 */
package dev.vigil.core.budget;
