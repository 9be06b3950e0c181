import { Suspense } from "react";
import { SignInForm } from "@/components/auth/auth-forms";

export const metadata = { title: "Sign in" };

export default function SignInPage() {
  return (
    <>
      <h1 className="mb-6 text-2xl font-semibold tracking-tight">Welcome back</h1>
      <Suspense>
        <SignInForm />
      </Suspense>
    </>
  );
}
