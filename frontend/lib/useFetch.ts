"use client";

// Loads one API resource for a page, keeping the previous answer while a new one loads and
// ignoring answers that arrive after the path changed.

import { useCallback, useEffect, useRef, useState } from "react";
import { api } from "./api";

export interface Fetched<T> {
  data: T | undefined;
  // The path whose answer `data` is; it lags `path` while a new answer loads.
  dataPath: string | null;
  error: unknown;
  loading: boolean;
  reload: () => void;
}

export function useFetch<T>(path: string | null): Fetched<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [dataPath, setDataPath] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState<boolean>(path !== null);
  const [tick, setTick] = useState(0);
  const latest = useRef(0);

  useEffect(() => {
    if (path === null) {
      setLoading(false);
      return;
    }
    const id = ++latest.current;
    setLoading(true);
    setError(null);
    api.get<T>(path).then(
      (d) => {
        if (id !== latest.current) return;
        setData(d);
        setDataPath(path);
        setLoading(false);
      },
      (e) => {
        if (id !== latest.current) return;
        setError(e);
        setData(undefined);
        setDataPath(null);
        setLoading(false);
      },
    );
  }, [path, tick]);

  const reload = useCallback(() => setTick((n) => n + 1), []);
  return { data, dataPath, error, loading, reload };
}
