/** The config from the quick start, verbatim: every test that claims "the seed config works" uses this text. */
export const SEED_CONFIG = `routers:
  my-router:
    load-balance:
      chat:
        strategy: latency
        providers:
          - openai      # uses OPENAI_API_KEY
          - anthropic   # uses ANTHROPIC_API_KEY
          - gemini      # uses GEMINI_API_KEY
`;
