/**
 * What {@code vigil demo} runs: a simulated GenAI application ({@link dev.vigil.cli.demo.DemoApp}) and Java code
 * scorers ({@link dev.vigil.cli.demo.DemoScorers}) that any process with this module on its path can rebuild.
 */
package dev.vigil.cli.demo;
