"use client";

import { useRouter } from "next/navigation";
import { useEffect } from "react";
import { Loading } from "@/components/ui";

// The static root only forwards to the dashboard, which itself sends signed-out visitors to login.
export default function Home() {
  const router = useRouter();
  useEffect(() => {
    router.replace("/dashboard/");
  }, [router]);
  return (
    <div className="flex min-h-screen items-center justify-center">
      <Loading />
    </div>
  );
}
