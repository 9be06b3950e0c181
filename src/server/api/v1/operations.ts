// The operator endpoints: active count, validate a proposed batch, optimal workers. The same data
// as the operations tRPC router, in the batch API's snake_case.
import { activeBody, optimalWorkersBody, optimalWorkersQuery, snakeCaseKeys, validateBody, validateRequest } from "@/server/features/slides/batch-schemas";
import { activeCount, optimalWorkers, validateConfiguration } from "@/server/features/slides/operations";
import { requireOperator } from "./access";
import { answer, json, readJson, readQuery } from "./http";
import type { ApiServices } from "./services";

export function activeHandler(services: ApiServices, request: Request): Promise<Response> {
  return answer(async () => {
    await requireOperator(services, request);
    return json(activeBody, snakeCaseKeys(await activeCount(services)));
  });
}

export function validateHandler(services: ApiServices, request: Request): Promise<Response> {
  return answer(async () => {
    await requireOperator(services, request);
    const body = await readJson(request, validateRequest);
    return json(validateBody, snakeCaseKeys(await validateConfiguration(services, { slides: body.slides, maxWorkers: body.max_workers })));
  });
}

export function optimalWorkersHandler(services: ApiServices, request: Request): Promise<Response> {
  return answer(async () => {
    await requireOperator(services, request);
    const query = readQuery(request, optimalWorkersQuery);
    return json(optimalWorkersBody, snakeCaseKeys(await optimalWorkers(services, query.slides)));
  });
}
