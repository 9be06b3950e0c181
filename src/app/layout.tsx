import type { Metadata, Viewport } from "next";
import { connection } from "next/server";
import type { ReactNode } from "react";
import { appOrigin, env } from "@/server/env";
import { TRPCReactProvider } from "@/trpc/react";
import "./globals.css";

const description = "Turn writing into pictures: storyboards from stories, personas from characters, images for slide decks.";

// The files are in public/, drawn by scripts/generate-icons.mjs. metadataBase makes the social
// preview's URL absolute, as link previews require.
export function generateMetadata(): Metadata {
  return {
    metadataBase: new URL(appOrigin(env())),
    title: { default: "Storyforge", template: "%s · Storyforge" },
    description,
    applicationName: "Storyforge",
    icons: {
      icon: [
        { url: "/favicon.ico", sizes: "16x16 32x32 48x48" },
        { url: "/icon.svg", type: "image/svg+xml" },
        { url: "/icon.png", type: "image/png", sizes: "512x512" },
      ],
      apple: { url: "/apple-icon.png", sizes: "180x180" },
    },
    manifest: "/manifest.webmanifest",
    openGraph: {
      type: "website",
      siteName: "Storyforge",
      title: "Storyforge",
      description,
      images: [{ url: "/opengraph-image.png", width: 1200, height: 630, alt: "Storyforge — turn writing into pictures" }],
    },
    twitter: { card: "summary_large_image", title: "Storyforge", description, images: ["/opengraph-image.png"] },
  };
}

export const viewport: Viewport = { themeColor: "#4f46e5" };

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Every page renders per request, so its scripts carry that request's CSP nonce (src/proxy.ts);
  // a page prerendered at build time would have scripts without one, which the policy blocks.
  await connection();
  return (
    <html lang="en">
      <body className="min-h-screen font-sans antialiased">
        <TRPCReactProvider>{children}</TRPCReactProvider>
      </body>
    </html>
  );
}
