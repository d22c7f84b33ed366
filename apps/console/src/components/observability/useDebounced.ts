import { useEffect, useState } from 'react';
import { FILTER_DEBOUNCE_MS } from '@/queries/timing';

/** `value`, once it has stopped changing for the filter debounce delay. */
export function useDebounced<T>(value: T, ms = FILTER_DEBOUNCE_MS): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setDebounced(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return debounced;
}
