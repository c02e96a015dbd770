/** Load an image element for the canvas, with its loading state. */
import { useEffect, useState } from "react";

export type ImageLoad = { state: "loading" } | { state: "ready"; img: HTMLImageElement } | { state: "error"; message: string };

export function useHtmlImage(url: string | null): ImageLoad {
  const [load, setLoad] = useState<ImageLoad>({ state: "loading" });
  useEffect(() => {
    if (!url) return;
    setLoad({ state: "loading" });
    const img = new window.Image();
    let live = true;
    img.onload = () => live && setLoad({ state: "ready", img });
    img.onerror = () => live && setLoad({ state: "error", message: `Cannot display ${url}` });
    img.src = url;
    return () => {
      live = false;
    };
  }, [url]);
  return load;
}
