// `server-only` throws outside a React Server Components bundle; tests import server code directly.
import { vi } from "vitest";

vi.mock("server-only", () => ({}));
