import { Suspense } from "react";
import { SignUpForm } from "@/components/auth/auth-forms";

export const metadata = { title: "Create account" };

export default function SignUpPage() {
  return (
    <>
      <h1 className="mb-1 text-2xl font-semibold tracking-tight">Create your account</h1>
      <p className="mb-6 text-sm text-stone-600">You get a personal team right away; invite others later.</p>
      <Suspense>
        <SignUpForm />
      </Suspense>
    </>
  );
}
