import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { isApiError } from './api/admin.js';
import { App } from './app/app.js';
import { auth } from './auth/session.js';
import './styles.css';

const onError = (error: unknown) => {
  if (isApiError(error, 401)) auth.loginRequired();
};

const queryClient = new QueryClient({
  queryCache: new QueryCache({ onError }),
  mutationCache: new MutationCache({ onError }),
  defaultOptions: {
    queries: {
      staleTime: 2_000,
      // The server's refusals (4xx) are answers, not hiccups: do not retry them.
      retry: (failures, error) => !(isApiError(error) && error.status < 500) && failures < 2,
    },
  },
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <App />
    </QueryClientProvider>
  </StrictMode>,
);
