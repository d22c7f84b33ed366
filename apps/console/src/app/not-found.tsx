import Link from 'next/link';

export default function NotFound() {
  return (
    <div className="login-page">
      <div className="state">
        <strong>Page not found</strong>
        <Link href="/">Back to the servers</Link>
      </div>
    </div>
  );
}
