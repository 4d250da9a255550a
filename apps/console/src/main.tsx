import { QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { RouterProvider } from '@tanstack/react-router';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ApiError, SignedOutError } from './api/client';
import { session } from './auth/session';
import { router } from './router';
import { applySavedTheme } from './ui/theme';
import './styles.css';

applySavedTheme();

const queryClient = new QueryClient({
  // A token that stopped working (revoked, or another tenant's): back to sign-in, then back here.
  queryCache: new QueryCache({
    onError: (error) => {
      if (error instanceof SignedOutError) {
        session.signOut();
        void router.navigate({ to: '/sign-in', search: { next: router.state.location.href } });
      }
    },
  }),
  defaultOptions: {
    queries: {
      staleTime: 5_000,
      // A 4xx will not get better by asking again.
      retry: (failures, error) => !(error instanceof ApiError && error.status < 500) && failures < 2,
    },
  },
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
    </QueryClientProvider>
  </StrictMode>,
);
