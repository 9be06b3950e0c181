// The API's types as client code sees them, inferred from the router. Components take their types
// from here and never from server modules, so nothing on the server leaks into the browser bundle.
import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "@/server/api/root";

export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;
