"use client";
import Link from "next/link";
import { useRouter, useSearchParams } from "next/navigation";
import { useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { FormError, TextField } from "@/components/ui/field";
import { authClient, authErrorMessage } from "@/lib/auth-client";
import { safeRedirectPath } from "@/lib/safe-redirect";

const PASSWORD_MIN_LENGTH = 8;
type Errors = Partial<Record<"name" | "email" | "password" | "form", string>>;

function useAuthTarget() {
  const searchParams = useSearchParams();
  const next = safeRedirectPath(searchParams.get("next"));
  const email = searchParams.get("email") ?? "";
  const query = new URLSearchParams();
  if (searchParams.get("next")) query.set("next", next);
  if (email) query.set("email", email);
  const suffix = query.size ? `?${query}` : "";
  return { next, email, suffix };
}

function validEmail(email: string) {
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email);
}

export function SignInForm() {
  const router = useRouter();
  const { next, email: presetEmail, suffix } = useAuthTarget();
  const [errors, setErrors] = useState<Errors>({});
  const [pending, setPending] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const email = String(form.get("email") ?? "").trim();
    const password = String(form.get("password") ?? "");
    const found: Errors = {};
    if (!validEmail(email)) found.email = "Enter a valid email address.";
    if (!password) found.password = "Enter your password.";
    setErrors(found);
    if (Object.keys(found).length) return;

    setPending(true);
    const { error } = await authClient.signIn.email({ email, password });
    setPending(false);
    if (error) {
      const message =
        error.status === 401 ? "Wrong email or password." : authErrorMessage(error, "Could not sign in. Please try again.");
      setErrors({ form: message });
      return;
    }
    router.replace(next);
    router.refresh();
  }

  return (
    <form onSubmit={submit} noValidate className="space-y-4" aria-label="Sign in">
      <FormError message={errors.form} />
      <TextField label="Email" name="email" type="email" autoComplete="email" defaultValue={presetEmail} error={errors.email} required />
      <TextField label="Password" name="password" type="password" autoComplete="current-password" error={errors.password} required />
      <Button type="submit" pending={pending} className="w-full">
        Sign in
      </Button>
      <p className="text-center text-sm text-stone-600">
        New to Storyforge?{" "}
        <Link href={`/sign-up${suffix}`} className="font-medium text-accent hover:underline">
          Create an account
        </Link>
      </p>
    </form>
  );
}

export function SignUpForm() {
  const router = useRouter();
  const { next, email: presetEmail, suffix } = useAuthTarget();
  const [errors, setErrors] = useState<Errors>({});
  const [pending, setPending] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const name = String(form.get("name") ?? "").trim();
    const email = String(form.get("email") ?? "").trim();
    const password = String(form.get("password") ?? "");
    const found: Errors = {};
    if (!name) found.name = "Enter your name.";
    else if (name.length > 100) found.name = "Use at most 100 characters.";
    if (!validEmail(email)) found.email = "Enter a valid email address.";
    if (password.length < PASSWORD_MIN_LENGTH) found.password = `Use at least ${PASSWORD_MIN_LENGTH} characters.`;
    else if (password.length > 128) found.password = "Use at most 128 characters.";
    setErrors(found);
    if (Object.keys(found).length) return;

    setPending(true);
    const { error } = await authClient.signUp.email({ name, email, password });
    setPending(false);
    if (error) {
      if (error.code === "USER_ALREADY_EXISTS" || error.code === "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL" || /already exists/i.test(error.message ?? "")) {
        setErrors({ email: "An account with this email already exists. Sign in instead." });
      } else if (/password/i.test(error.message ?? "")) {
        setErrors({ password: authErrorMessage(error, "Choose another password.") });
      } else {
        setErrors({ form: authErrorMessage(error, "Could not create the account. Please try again.") });
      }
      return;
    }
    router.replace(next);
    router.refresh();
  }

  return (
    <form onSubmit={submit} noValidate className="space-y-4" aria-label="Create account">
      <FormError message={errors.form} />
      <TextField label="Name" name="name" autoComplete="name" error={errors.name} maxLength={100} required />
      <TextField label="Email" name="email" type="email" autoComplete="email" defaultValue={presetEmail} error={errors.email} required />
      <TextField
        label="Password"
        name="password"
        type="password"
        autoComplete="new-password"
        error={errors.password}
        hint={`At least ${PASSWORD_MIN_LENGTH} characters.`}
        required
      />
      <Button type="submit" pending={pending} className="w-full">
        Create account
      </Button>
      <p className="text-center text-sm text-stone-600">
        Already have an account?{" "}
        <Link href={`/sign-in${suffix}`} className="font-medium text-accent hover:underline">
          Sign in
        </Link>
      </p>
    </form>
  );
}
