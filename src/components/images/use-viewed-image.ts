"use client";
// Which version of an image card is on show: the current one, unless another was picked; a new
// current image (a render just finished) is shown again in place of the pick.
import { useEffect, useState } from "react";

export function useViewedImage<Image extends { id: string }>(images: readonly Image[], currentImageId: string | null) {
  const [viewedId, setViewedId] = useState<string | null>(null);
  const current = images.find((image) => image.id === currentImageId) ?? null;
  const viewed = images.find((image) => image.id === viewedId) ?? current;
  useEffect(() => setViewedId(null), [currentImageId]);
  return { current, viewed, setViewedId };
}
