// A small OpenAI app instrumented with OpenInference, exporting OTLP/HTTP protobuf to `vigil serve`.
// Env: VIGIL_URL (e.g. http://127.0.0.1:4318), OPENAI_BASE_URL (a fake OpenAI-compatible server), OPENAI_API_KEY.
// Prints the trace id of the request on stdout.
'use strict';
const { NodeTracerProvider, SimpleSpanProcessor } = require('@opentelemetry/sdk-trace-node');
const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-proto');
const { resourceFromAttributes } = require('@opentelemetry/resources');
const { OpenAIInstrumentation } = require('@arizeai/openinference-instrumentation-openai');
const { trace } = require('@opentelemetry/api');
const OpenAI = require('openai');

async function main() {
  const exporter = new OTLPTraceExporter({ url: `${process.env.VIGIL_URL}/v1/traces` });
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'node-assistant' }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  provider.register();
  const instrumentation = new OpenAIInstrumentation();
  instrumentation.setTracerProvider(provider);
  instrumentation.manuallyInstrument(OpenAI);

  const client = new OpenAI({ baseURL: process.env.OPENAI_BASE_URL, apiKey: process.env.OPENAI_API_KEY });
  const tracer = trace.getTracer('node-assistant');
  let traceId;
  await tracer.startActiveSpan('answer_question', async (span) => {
    traceId = span.spanContext().traceId;
    span.setAttribute('openinference.span.kind', 'CHAIN');
    span.setAttribute('input.value', 'What is the capital of France?');
    const completion = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: 'Answer briefly.' },
        { role: 'user', content: 'What is the capital of France?' },
      ],
    });
    span.setAttribute('output.value', completion.choices[0].message.content);
    span.end();
  });
  await provider.forceFlush();
  await provider.shutdown();
  console.log(traceId);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
