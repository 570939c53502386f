import type { NextConfig } from "next";

// A static export: the same files are served from OSS behind a CDN in production and by the
// local runner on one machine, so nothing may depend on a Node server at request time.
const nextConfig: NextConfig = {
  output: "export",
  // Every page is a directory with index.html, which static hosts (OSS sub-directory index,
  // Go's file server) resolve without rewrite rules.
  trailingSlash: true,
  images: { unoptimized: true },
  reactStrictMode: true,
};

export default nextConfig;
