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

type AuthResult = Awaited<ReturnType<typeof authClient.signIn.email>> | Awaited<ReturnType<typeof authClient.signUp.email>>;
type AuthError = NonNullable<AuthResult["error"]>;

/**
 * What both forms do on submit: read and check the fields (errors show under them), send them,
 * show the server's refusal where it belongs, or go on to where the visitor was headed.
 */
function useAuthForm<Values>({
  read,
  check,
  send,
  explain,
}: {
  read: (form: FormData) => Values;
  check: (values: Values) => Errors;
  send: (values: Values) => Promise<{ error: AuthError | null }>;
  explain: (error: AuthError) => Errors;
}) {
  const router = useRouter();
  const { next, email: presetEmail, suffix } = useAuthTarget();
  const [errors, setErrors] = useState<Errors>({});
  const [pending, setPending] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const values = read(new FormData(event.currentTarget));
    const found = check(values);
    setErrors(found);
    if (Object.keys(found).length) return;

    setPending(true);
    const { error } = await send(values);
    setPending(false);
    if (error) {
      setErrors(explain(error));
      return;
    }
    router.replace(next);
    router.refresh();
  }

  return { errors, pending, submit, presetEmail, suffix };
}

function SwitchLink({ question, href, children }: { question: string; href: string; children: string }) {
  return (
    <p className="text-center text-sm text-stone-600">
      {question}{" "}
      <Link href={href} className="font-medium text-accent hover:underline">
        {children}
      </Link>
    </p>
  );
}

export function SignInForm() {
  const { errors, pending, submit, presetEmail, suffix } = useAuthForm({
    read: (form) => ({ email: String(form.get("email") ?? "").trim(), password: String(form.get("password") ?? "") }),
    check: ({ email, password }) => {
      const found: Errors = {};
      if (!validEmail(email)) found.email = "Enter a valid email address.";
      if (!password) found.password = "Enter your password.";
      return found;
    },
    send: (values) => authClient.signIn.email(values),
    explain: (error) => ({
      form: error.status === 401 ? "Wrong email or password." : authErrorMessage(error, "Could not sign in. Please try again."),
    }),
  });

  return (
    <form onSubmit={submit} noValidate className="space-y-4" aria-label="Sign in">
      <FormError message={errors.form} />
      <TextField label="Email" name="email" type="email" autoComplete="email" defaultValue={presetEmail} error={errors.email} required />
      <TextField label="Password" name="password" type="password" autoComplete="current-password" error={errors.password} required />
      <Button type="submit" pending={pending} className="w-full">
        Sign in
      </Button>
      <SwitchLink question="New to Storyforge?" href={`/sign-up${suffix}`}>
        Create an account
      </SwitchLink>
    </form>
  );
}

export function SignUpForm() {
  const { errors, pending, submit, presetEmail, suffix } = useAuthForm({
    read: (form) => ({
      name: String(form.get("name") ?? "").trim(),
      email: String(form.get("email") ?? "").trim(),
      password: String(form.get("password") ?? ""),
    }),
    check: ({ name, email, password }) => {
      const found: Errors = {};
      if (!name) found.name = "Enter your name.";
      else if (name.length > 100) found.name = "Use at most 100 characters.";
      if (!validEmail(email)) found.email = "Enter a valid email address.";
      if (password.length < PASSWORD_MIN_LENGTH) found.password = `Use at least ${PASSWORD_MIN_LENGTH} characters.`;
      else if (password.length > 128) found.password = "Use at most 128 characters.";
      return found;
    },
    send: (values) => authClient.signUp.email(values),
    explain: (error) => {
      if (error.code === "USER_ALREADY_EXISTS" || error.code === "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL" || /already exists/i.test(error.message ?? "")) {
        return { email: "An account with this email already exists. Sign in instead." };
      }
      if (/password/i.test(error.message ?? "")) return { password: authErrorMessage(error, "Choose another password.") };
      return { form: authErrorMessage(error, "Could not create the account. Please try again.") };
    },
  });

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
      <SwitchLink question="Already have an account?" href={`/sign-in${suffix}`}>
        Sign in
      </SwitchLink>
    </form>
  );
}
