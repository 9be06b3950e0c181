import { toNextJsHandler } from "better-auth/next-js";
import { auth } from "@/server/auth";
import { env } from "@/server/env";
import { appAuthThrottle, authThrottleRules } from "@/server/security/auth-throttle";

// Sign-in and sign-up pass the throttle (per account and per client address) first.
const handler = (request: Request) => appAuthThrottle(() => authThrottleRules(env()))(request, (passed) => auth().handler(passed));

export const { GET, POST } = toNextJsHandler(handler);
