import "server-only";
// The signed-in user for server components and route handlers.
import { headers } from "next/headers";
import { cache } from "react";
import { auth } from "./auth";

export const getSession = cache(async () => auth().api.getSession({ headers: await headers() }));
