"use client";

// Who is signed in. Pages render their content only once /auth/me has answered for the stored
// session, so a signed-out visitor never sees a page's data, not even for a moment.

import { useQueryClient } from "@tanstack/react-query";
import { createContext, useCallback, useContext, useEffect, useMemo, useState } from "react";
import { answer, client, login as apiLogin, logout as apiLogout, onSignedOut, readSession } from "./api";
import type { Me } from "./types";

type Status = "loading" | "signedIn" | "signedOut" | "error";

interface AuthState {
  status: Status;
  user: Me | null;
  // Set when /auth/me failed for another reason than the session (the API is down).
  error: unknown;
  retry: () => void;
  signIn: (email: string, password: string) => Promise<void>;
  signOut: () => Promise<void>;
}

const AuthContext = createContext<AuthState>({
  status: "loading",
  user: null,
  error: null,
  retry: () => {},
  signIn: async () => {},
  signOut: async () => {},
});

export function AuthProvider({ children }: { children: React.ReactNode }) {
  const [status, setStatus] = useState<Status>("loading");
  const [user, setUser] = useState<Me | null>(null);
  const [error, setError] = useState<unknown>(null);
  // Cached answers belong to the user who asked: signing out or in drops them all.
  const queries = useQueryClient();

  const loadMe = useCallback(async () => {
    if (!readSession()) {
      setUser(null);
      setStatus("signedOut");
      return;
    }
    try {
      const me = await answer(client.GET("/api/v1/auth/me"));
      setUser(me);
      setError(null);
      setStatus("signedIn");
    } catch (e) {
      setUser(null);
      if (readSession()) {
        // The session survived (the client clears it when refresh is refused), so the API
        // failed for another reason: keep the session, show no data, offer a retry.
        setError(e);
        setStatus("error");
      } else {
        setStatus("signedOut");
      }
    }
  }, []);

  useEffect(() => {
    onSignedOut(() => {
      queries.clear();
      setUser(null);
      setStatus("signedOut");
    });
    void loadMe();
    return () => onSignedOut(null);
  }, [loadMe, queries]);

  const signIn = useCallback(
    async (email: string, password: string) => {
      await apiLogin(email, password);
      queries.clear();
      await loadMe();
    },
    [loadMe, queries],
  );

  const signOut = useCallback(async () => {
    queries.clear();
    setUser(null);
    setStatus("signedOut");
    await apiLogout();
  }, [queries]);

  const retry = useCallback(() => {
    setStatus("loading");
    void loadMe();
  }, [loadMe]);

  const value = useMemo(
    () => ({ status, user, error, retry, signIn, signOut }),
    [status, user, error, retry, signIn, signOut],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthState {
  return useContext(AuthContext);
}

export function canEdit(user: Me | null): boolean {
  return user?.role === "admin" || user?.role === "editor";
}

export function isAdmin(user: Me | null): boolean {
  return user?.role === "admin";
}
