"use client";

// The language switch: Chinese by default, English on request, remembered in localStorage.

import { useQueryClient } from "@tanstack/react-query";
import { createContext, useCallback, useContext, useEffect, useMemo, useState } from "react";
import { translate, type Lang } from "./messages.mjs";

const LANG_KEY = "cloudlens.lang";

interface I18n {
  lang: Lang;
  setLang: (l: Lang) => void;
  t: (key: string, vars?: Record<string, string | number>) => string;
}

const I18nContext = createContext<I18n>({
  lang: "zh",
  setLang: () => {},
  t: (key, vars) => translate("zh", key, vars),
});

export function I18nProvider({ children }: { children: React.ReactNode }) {
  const [lang, setLangState] = useState<Lang>("zh");

  useEffect(() => {
    const saved = window.localStorage.getItem(LANG_KEY);
    if (saved === "en" || saved === "zh") setLangState(saved);
  }, []);

  useEffect(() => {
    document.documentElement.lang = lang === "en" ? "en" : "zh-CN";
  }, [lang]);

  const queries = useQueryClient();
  const setLang = useCallback(
    (l: Lang) => {
      window.localStorage.setItem(LANG_KEY, l);
      setLangState(l);
      // Answers carry names in the language they were asked in (Accept-Language): ask again.
      void queries.invalidateQueries();
    },
    [queries],
  );

  const value = useMemo<I18n>(
    () => ({ lang, setLang, t: (key, vars) => translate(lang, key, vars) }),
    [lang, setLang],
  );
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  return useContext(I18nContext);
}
